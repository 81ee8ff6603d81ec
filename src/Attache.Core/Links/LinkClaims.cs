namespace Attache.Core.Links;

/// <summary>
/// What a presigned link grants: one immutable version of a file, until a time, signed with a key. <see cref="Digest"/>,
/// the first <see cref="DigestLength"/> hex digits of that version's SHA-256, ties the link to its bytes even should a
/// purged version's number be given again; tokens signed before it existed have none.
/// </summary>
public sealed record LinkClaims(string FileId, int Version, DateTimeOffset Expires, string KeyId = "", string? Digest = null)
{
    public const int DigestLength = 16;

    /// <summary>The digest of a version with this SHA-256 (hex).</summary>
    public static string DigestOf(string sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        return sha256.Length >= DigestLength
            ? sha256[..DigestLength].ToLowerInvariant()
            : throw new ArgumentException("A SHA-256 in hex has 64 digits.", nameof(sha256));
    }

    /// <summary>True when <paramref name="sha256"/> is that of the version this link was issued for (always, for a link with no digest).</summary>
    public bool Matches(string sha256) =>
        Digest is null || (sha256 is { Length: >= DigestLength } && string.Equals(DigestOf(sha256), Digest, StringComparison.Ordinal));
}

/// <summary>A link just issued: the token to put in a URL, and what it pins.</summary>
public sealed record IssuedLink(string Token, DateTimeOffset ExpiresAt, string DocumentId, string FileId, int Version);

public sealed class LinkLifetimes
{
    public static readonly TimeSpan StandardDefaultTtl = TimeSpan.FromHours(1);
    public static readonly TimeSpan StandardMaxTtl = TimeSpan.FromDays(7);

    /// <summary>The lifetime of a link whose caller asks for none.</summary>
    public TimeSpan DefaultTtl { get; set; } = StandardDefaultTtl;

    /// <summary>The longest lifetime a link may be issued with, and is honoured with.</summary>
    public TimeSpan MaxTtl { get; set; } = StandardMaxTtl;
}
