using Attache.Core.Principals;

namespace Attache.Server.Auth;

/// <summary>
/// Once the stores are ready: loads (or makes and stores) the token signing key, and makes sure the <c>admin</c>
/// principal exists. On a first start without <c>Attache:AdminApiKey</c>, gives it an API key and prints that key
/// once: only its hash is kept.
/// </summary>
internal sealed class AuthBootstrap(PrincipalService principals, AdminKey adminKey, AccessTokens tokens, ILogger<AuthBootstrap> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await tokens.LoadKeyAsync(cancellationToken);
        if (await principals.EnsureAdminAsync(issueKey: !adminKey.IsConfigured, cancellationToken) is { } key)
        {
            logger.LogWarning(
                "First start: created the principal 'admin' with this API key, shown only this once: {AdminApiKey} "
                + "(only its hash is kept; an administrator can issue more with POST /v1/principals/admin/api-keys)", key);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
