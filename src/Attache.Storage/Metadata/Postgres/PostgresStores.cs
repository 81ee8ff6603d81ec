using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attache.Storage.Metadata.Postgres;

/// <summary>
/// Registers the adapter of every metadata port on one shared PostgreSQL database, and the cluster locks on it, so
/// several nodes can serve at once. A new port adds its line here.
/// </summary>
internal static class PostgresStores
{
    public static void Register(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new PostgresDatabase(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value.Metadata.ConnectionString!,
            provider.GetRequiredService<ILogger<PostgresDatabase>>()));
        services.AddSingleton<PostgresMetadataStore>();
        services.AddSingleton<PostgresStaleUploads>();
        services.AddSingleton<PostgresSecretStore>();
        services.AddSingleton<PostgresPrincipalStore>();
        services.AddSingleton<PostgresAuditStore>();
        services.AddSingleton<PostgresRenditionStore>();
        services.AddSingleton<PostgresEditorSessionStore>();
        services.AddSingleton<PostgresJobStore>();
        services.AddSingleton<PostgresLocks>();
    }
}
