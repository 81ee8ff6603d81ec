namespace Attache.Core.Principals;

/// <summary>Who is asking: the authenticated principal as the core sees it, and where the request came from.</summary>
public sealed record Caller(string Name, bool IsAdmin, IReadOnlySet<string> Groups)
{
    /// <summary>Where the request came from, for the audit trail; null for work the server does on its own.</summary>
    public RequestOrigin? Origin { get; init; }

    public static Caller Admin(string name = "admin") => new(name, true, new HashSet<string>());
}

/// <summary>The client address, user agent and correlation id of one request.</summary>
public sealed record RequestOrigin(string? ClientAddress, string? UserAgent, string CorrelationId);
