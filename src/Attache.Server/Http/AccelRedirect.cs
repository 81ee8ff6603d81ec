namespace Attache.Server.Http;

/// <summary>
/// The opt-in X-Accel-Redirect mode (<c>Attache:Downloads:AccelRedirect:Prefix</c>): behind nginx, a download that
/// Attache has authorised, audited and checked is answered with an empty body naming the blob's file under an
/// <c>internal</c> nginx location, so that nginx sends the bytes with sendfile instead of Attache copying them.
/// </summary>
internal sealed class AccelRedirect
{
    public const string ConfigurationKey = "Attache:Downloads:AccelRedirect:Prefix";

    public const string Header = "X-Accel-Redirect";

    private readonly string _prefix;

    private AccelRedirect(string prefix) => _prefix = prefix;

    /// <summary>The mode as configured; null when it is off.</summary>
    public static AccelRedirect? From(IConfiguration configuration)
    {
        var prefix = configuration[ConfigurationKey];
        if (string.IsNullOrEmpty(prefix))
        {
            return null;
        }

        // The prefix becomes a header value and an nginx URI: an absolute path of plain characters ending in '/'.
        if (prefix[0] != '/' || prefix[^1] != '/' || prefix.Contains("//", StringComparison.Ordinal)
            || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '.' or '~'))
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} is an nginx location such as /_attache/blobs/: it starts and ends with '/' and holds only letters, digits and / _ - . ~");
        }

        return new AccelRedirect(prefix);
    }

    /// <summary>
    /// The internal URI of the blob stored under <paramref name="sha256"/>: its path relative to the blob folder
    /// (<c>ab/cd/abcd…</c>), built only from the server's own hash; null for anything that is not one.
    /// </summary>
    public string? Target(string sha256) =>
        sha256 is { Length: 64 } && sha256.All(char.IsAsciiHexDigitLower)
            ? $"{_prefix}{sha256[..2]}/{sha256[2..4]}/{sha256}"
            : null;
}
