using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attache.Storage.Metadata.Sqlite;

/// <summary>Registers the adapter of every metadata port on the embedded SQLite file. A new port adds its line here.</summary>
internal static class SqliteStores
{
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton(provider => new SqliteDatabase(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value.MetadataConnectionString,
            provider.GetRequiredService<ILogger<SqliteDatabase>>()));
        services.AddSingleton<SqliteMetadataStore>();
        services.AddSingleton<SqliteSecretStore>();
        services.AddSingleton<SqlitePrincipalStore>();
        services.AddSingleton<SqliteAuditStore>();
        services.AddSingleton<SqliteRenditionStore>();
        services.AddSingleton<SqliteEditorSessionStore>();
        services.AddSingleton<SqliteJobStore>();
        services.AddSingleton<SqliteStaleUploads>();
    }
}
