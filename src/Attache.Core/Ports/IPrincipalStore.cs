using Attache.Core.Principals;

namespace Attache.Core.Ports;

/// <summary>
/// Principals, their API keys, browser sessions and the server-wide API keys. Secrets arrive here already hashed; a
/// lookup by hash compares hashes of high-entropy secrets, so its timing tells nothing about a key.
/// </summary>
public interface IPrincipalStore
{
    Task<Principal?> FindAsync(string name, CancellationToken cancellationToken);

    Task<Principal?> FindByClientIdAsync(string clientId, CancellationToken cancellationToken);

    Task<Principal?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    /// <summary>Principals ordered by name (ordinal), starting after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<Principal>> ListAsync(string? after, int limit, CancellationToken cancellationToken);

    /// <summary>Inserts the principal; false when the name, or its client id or e-mail, is taken.</summary>
    Task<bool> TryCreateAsync(Principal principal, CancellationToken cancellationToken);

    /// <summary>Replaces the stored principal of the same name; false when there is none, or its client id or e-mail is another's.</summary>
    Task<bool> UpdateAsync(Principal principal, CancellationToken cancellationToken);

    Task AddApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>The enabled or disabled principal holding the API key with this SHA-256, or null.</summary>
    Task<Principal?> FindByApiKeyAsync(string sha256, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(string principal, CancellationToken cancellationToken);

    /// <summary>False when the principal has no key with that id.</summary>
    Task<bool> RevokeApiKeyAsync(string principal, string keyId, CancellationToken cancellationToken);

    Task AddSessionAsync(SessionRecord session, CancellationToken cancellationToken);

    /// <summary>The session with this SHA-256 and its principal, expired or not, or null.</summary>
    Task<(SessionRecord Session, Principal Principal)?> FindSessionAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Ends the session; false when there was none.</summary>
    Task<bool> DeleteSessionAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Ends every session of the principal; returns how many.</summary>
    Task<int> DeleteSessionsAsync(string principal, CancellationToken cancellationToken);

    /// <summary>Removes sessions that expired before <paramref name="now"/>; returns how many.</summary>
    Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>True when a server-wide key (e.g. the SpeechExec dialect's) has this SHA-256.</summary>
    Task<bool> IsServerApiKeyAsync(string sha256, CancellationToken cancellationToken);
}
