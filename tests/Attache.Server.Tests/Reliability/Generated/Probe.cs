using System.Text;

namespace Attache.Server.Tests.Reliability.Generated;

/// <summary>One generated request: what is sent, and which credential goes with it.</summary>
internal sealed record Probe(string Method, string Path, IReadOnlyList<(string Name, string Value)> Headers, byte[]? Body, string? ContentType, Credential Credential)
{
    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), new Uri(Path, UriKind.Relative));
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        foreach (var (name, value) in Credential.Headers.Concat(Headers))
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    public override string ToString()
    {
        var text = new StringBuilder().Append(Method).Append(' ').Append(Path).Append(" as ").Append(Credential.Name);
        foreach (var (name, value) in Headers)
        {
            text.Append(" | ").Append(name).Append(": ").Append(value.Length > 200 ? value[..200] + "…" : value);
        }

        if (Body is not null)
        {
            text.Append(" | body ").Append(Body.Length).Append(" bytes ").Append(ContentType);
        }

        return text.ToString();
    }
}

/// <summary>A way to authenticate (or to fail to): the headers it adds to a request.</summary>
internal sealed record Credential(string Name, IReadOnlyList<(string Name, string Value)> Headers)
{
    public static Credential None { get; } = new("anonymous", []);

    public static Credential Bearer(string name, string value) => new(name, [("Authorization", "Bearer " + value)]);

    public static Credential Basic(string name, string user, string password) =>
        new(name, [("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)))]);

    public override string ToString() => Name;
}

/// <summary>Percent-encoding as a client would do it, or leaving the characters that reach routing undecoded as they are.</summary>
internal static class PathText
{
    /// <summary>
    /// Escapes everything that is not unreserved, but keeps <c>/ . % \</c> when <paramref name="raw"/> so traversal shapes
    /// reach the server. An encoded NUL becomes <c>%01</c>: Kestrel refuses a NUL in the path with 400 before the
    /// application sees it, where the in-process test host throws in the client instead.
    /// </summary>
    public static string Segment(string value, bool raw) =>
        (raw ? Raw(value) : Uri.EscapeDataString(value)).Replace("%00", "%01", StringComparison.OrdinalIgnoreCase);

    private static string Raw(string value)
    {
        var text = new StringBuilder();
        foreach (var rune in value.EnumerateRunes())
        {
            var s = rune.ToString();
            text.Append(rune.Value is '/' or '.' or '%' or '\\' ? s : Uri.EscapeDataString(s));
        }

        return text.ToString();
    }
}
