using Attache.Core.Principals;

namespace Attache.Server.Auth;

/// <summary>
/// Makes sure the <c>admin</c> principal exists once the stores are ready. On a first start without
/// <c>Attache:AdminApiKey</c>, gives it an API key and prints that key once: only its hash is kept.
/// </summary>
internal sealed class AdminBootstrap(PrincipalService principals, AdminKey adminKey, ILogger<AdminBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await principals.EnsureAdminAsync(issueKey: !adminKey.IsConfigured, cancellationToken) is { } key)
        {
            logger.LogWarning(
                "First start: created the principal 'admin' with this API key, shown only this once: {AdminApiKey} "
                + "(only its hash is kept; an administrator can issue more with POST /v1/principals/admin/api-keys)", key);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
