namespace Attache.Core.Links;

/// <summary>What a presigned link grants: one immutable version of a file, until a time, signed with a key.</summary>
public sealed record LinkClaims(string FileId, int Version, DateTimeOffset Expires, string KeyId = "");

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
