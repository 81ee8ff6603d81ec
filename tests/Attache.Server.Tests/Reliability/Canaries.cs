using System.Text;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Reliability;

/// <summary>
/// A document whose title, file name and content all carry a marker unique to it, so any response that shows a part of
/// it is found by searching for the marker. The content repeats the marker, so every slice at least two markers long
/// holds a whole one.
/// </summary>
internal sealed record Canary(string Marker, string DocumentId, string FileId, string Owner)
{
    public const int Repeats = 64;

    public static string NewMarker() => "CANARY" + Guid.NewGuid().ToString("N").ToUpperInvariant();

    public static byte[] ContentOf(string marker) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(marker + "\n", Repeats)));

    /// <summary>Creates the document as the admin for <paramref name="owner"/>, with an optional ACL, and uploads its file.</summary>
    public static async Task<Canary> PlantAsync(HttpClient admin, string owner, object[]? acl = null)
    {
        var marker = NewMarker();
        var document = await admin.CreateDocumentAsync(new { owner, title = marker, acl = acl ?? [] });
        var documentId = document.Str("id");
        var file = await admin.UploadAsync(documentId, ContentOf(marker), marker + ".txt");
        return new Canary(marker, documentId, file.Str("id"), owner);
    }
}

/// <summary>
/// A client-side handler that reads every response and records each one that carries a marker its caller may not read,
/// in a header or the body. Tests assert <see cref="Leaks"/> is empty at the end; the response is handed on unchanged.
/// </summary>
internal sealed class LeakWatch(Func<IEnumerable<string>> forbiddenMarkers) : DelegatingHandler
{
    private readonly List<string> _leaks = [];
    private int _searched;

    public LeakWatch(IEnumerable<Canary> forbidden)
        : this(() => forbidden.Select(canary => canary.Marker))
    {
    }

    /// <summary>One line per leaking response: method, path, status and the marker found.</summary>
    public IReadOnlyList<string> Leaks
    {
        get
        {
            lock (_leaks)
            {
                return [.. _leaks];
            }
        }
    }

    /// <summary>How many responses were searched.</summary>
    public int Searched => _searched;

    /// <summary>A client of <paramref name="app"/> whose responses are searched; it sends <paramref name="bearer"/> if given.</summary>
    public static (HttpClient Client, LeakWatch Watch) Client(AttacheApp app, IEnumerable<Canary> forbidden, string? bearer = null)
    {
        var watch = new LeakWatch(forbidden);
        var client = app.CreateDefaultClient(watch);
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return (client, watch);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var text = new StringBuilder()
            .AppendJoin('\n', response.Headers.Concat(response.Content.Headers).Select(header => header.Key + ": " + string.Join(", ", header.Value)))
            .Append('\n')
            .Append(Encoding.Latin1.GetString(body))
            .ToString();
        foreach (var marker in forbiddenMarkers())
        {
            if (text.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                lock (_leaks)
                {
                    _leaks.Add($"{request.Method} {request.RequestUri?.PathAndQuery} → {(int)response.StatusCode}: {marker}");
                }
            }
        }

        Interlocked.Increment(ref _searched);
        var copy = new ByteArrayContent(body);
        foreach (var header in response.Content.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = copy;
        return response;
    }
}
