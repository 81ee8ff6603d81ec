using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Core.Tests.Fakes;

/// <summary>The principal lookups and writes of <see cref="IPrincipalStore"/>, with its uniqueness rules (e-mail without case); keys and sessions are not kept.</summary>
internal sealed class InMemoryPrincipalStore : IPrincipalStore
{
    private readonly Dictionary<string, Principal> _principals = new(StringComparer.Ordinal);

    public Task<Principal?> FindAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_principals.GetValueOrDefault(name));

    public Task<Principal?> FindByClientIdAsync(string clientId, CancellationToken cancellationToken) =>
        Task.FromResult(_principals.Values.FirstOrDefault(p => p.ClientId == clientId));

    public Task<Principal?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        Task.FromResult(_principals.Values.FirstOrDefault(p => string.Equals(p.Email, email, StringComparison.OrdinalIgnoreCase)));

    public Task<IReadOnlyList<Principal>> ListAsync(string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Principal>>(_principals.Values.Where(p => after is null || string.CompareOrdinal(p.Name, after) > 0)
            .OrderBy(p => p.Name, StringComparer.Ordinal).Take(limit).ToList());

    public Task<bool> TryCreateAsync(Principal principal, CancellationToken cancellationToken)
    {
        if (_principals.ContainsKey(principal.Name) || Clashes(principal))
        {
            return Task.FromResult(false);
        }

        _principals[principal.Name] = principal;
        return Task.FromResult(true);
    }

    public Task<bool> UpdateAsync(Principal principal, CancellationToken cancellationToken)
    {
        if (!_principals.ContainsKey(principal.Name) || Clashes(principal))
        {
            return Task.FromResult(false);
        }

        _principals[principal.Name] = principal;
        return Task.FromResult(true);
    }

    public Task AddApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Principal?> FindByApiKeyAsync(string sha256, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(string principal, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> RevokeApiKeyAsync(string principal, string keyId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task AddSessionAsync(SessionRecord session, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<(SessionRecord Session, Principal Principal)?> FindSessionAsync(string sha256, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> DeleteSessionAsync(string sha256, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<int> DeleteSessionsAsync(string principal, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> IsServerApiKeyAsync(string sha256, CancellationToken cancellationToken) => throw new NotSupportedException();

    private bool Clashes(Principal principal) => _principals.Values.Any(p => p.Name != principal.Name
        && ((principal.Email is not null && string.Equals(p.Email, principal.Email, StringComparison.OrdinalIgnoreCase))
            || (principal.ClientId is not null && p.ClientId == principal.ClientId)));
}
