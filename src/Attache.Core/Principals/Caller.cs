namespace Attache.Core.Principals;

/// <summary>Who is asking: the authenticated principal as the core sees it, and where the request came from.</summary>
public sealed record Caller(string Name, bool IsAdmin, IReadOnlySet<string> Groups)
{
    /// <summary>Where the request came from, for the audit trail; null for work the server does on its own.</summary>
    public RequestOrigin? Origin { get; init; }

    /// <summary>Set for a server-wide key instead of a principal: all it may read. Null for principals.</summary>
    public ServiceGrant? Grant { get; init; }

    public static Caller Admin(string name = "admin") => new(name, true, new HashSet<string>());

    /// <summary>
    /// A server-wide key. Its name holds a colon, which no principal name may, so no owner or ACL entry ever matches it:
    /// it reaches only what <paramref name="grant"/> covers.
    /// </summary>
    public static Caller ServerKey(string name, ServiceGrant grant, RequestOrigin? origin) =>
        new($"server-key:{name}", false, new HashSet<string>()) { Grant = grant, Origin = origin };
}

/// <summary>The client address, user agent and correlation id of one request.</summary>
public sealed record RequestOrigin(string? ClientAddress, string? UserAgent, string CorrelationId);
