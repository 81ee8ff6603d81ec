namespace Attache.Server.Auth;

/// <summary>Loads the admin key at start, so that a first start prints a new key before any request arrives.</summary>
internal sealed class AdminKeyAnnouncer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<AdminKey>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
