namespace Attache.Core.Principals;

/// <summary>A user or a service client. Secrets are kept only as hashes.</summary>
public sealed record Principal
{
    public required string Name { get; init; }

    public string DisplayName { get; init; } = "";

    public string Kind { get; init; } = PrincipalKinds.User;

    public IReadOnlyList<string> Groups { get; init; } = [];

    public bool Enabled { get; init; } = true;

    public string? Email { get; init; }

    /// <summary>The framework password hasher's output; null when the principal cannot sign in with a password.</summary>
    public string? PasswordHash { get; init; }

    /// <summary>For a client: the id it presents with its secret.</summary>
    public string? ClientId { get; init; }

    public string? ClientSecretHash { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Modified { get; init; }

    /// <summary>Members of the <see cref="PrincipalGroups.Administrators"/> group may do everything.</summary>
    public bool IsAdmin => Groups.Contains(PrincipalGroups.Administrators, StringComparer.Ordinal);

    public Caller ToCaller() => new(Name, IsAdmin, Groups.ToHashSet(StringComparer.Ordinal));
}

public static class PrincipalKinds
{
    public const string User = "user";
    public const string Client = "client";

    public static bool IsKnown(string kind) => kind is User or Client;
}

public static class PrincipalGroups
{
    /// <summary>The group whose members are administrators; the first-start <c>admin</c> principal is in it.</summary>
    public const string Administrators = "admin";
}

/// <summary>An API key of a principal: only the SHA-256 of the key is kept. <see cref="Id"/> names it for revocation.</summary>
public sealed record ApiKeyRecord(string Id, string Principal, string Sha256, DateTimeOffset Created);

/// <summary>A signed-in browser session: only the SHA-256 of the cookie value is kept.</summary>
public sealed record SessionRecord(string Sha256, string Principal, DateTimeOffset Created, DateTimeOffset Expires);

/// <summary>A server-wide API key (the SpeechExec dialect's): only its SHA-256 is kept.</summary>
public sealed record ServerApiKeyRecord(string Sha256, DateTimeOffset Created);
