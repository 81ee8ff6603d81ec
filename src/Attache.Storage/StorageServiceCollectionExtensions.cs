using Attache.Core.Cluster;
using Attache.Core.Ports;
using Attache.Storage.Blobs;
using Attache.Storage.Blobs.S3;
using Attache.Storage.Metadata.Postgres;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attache.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the metadata and blob adapters chosen by configuration (Attache:Metadata, Attache:Blobs).</summary>
    public static IServiceCollection AddAttacheStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .PostConfigure(options => options.DataPath = Path.GetFullPath(string.IsNullOrWhiteSpace(options.DataPath) ? "." : options.DataPath))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());

        SqliteStores.Register(services);
        PostgresStores.Register(services);
        Port<IMetadataStore, SqliteMetadataStore, PostgresMetadataStore>(services);
        Port<ISecretStore, SqliteSecretStore, PostgresSecretStore>(services);
        Port<IPrincipalStore, SqlitePrincipalStore, PostgresPrincipalStore>(services);
        Port<IAuditStore, SqliteAuditStore, PostgresAuditStore>(services);
        Port<IRenditionStore, SqliteRenditionStore, PostgresRenditionStore>(services);
        Port<IEditorSessionStore, SqliteEditorSessionStore, PostgresEditorSessionStore>(services);
        Port<IJobStore, SqliteJobStore, PostgresJobStore>(services);
        Port<IStaleUploads, SqliteStaleUploads, PostgresStaleUploads>(services);
        services.AddSingleton<ProcessLocks>();
        Port<IClusterLocks, ProcessLocks, PostgresLocks>(services);

        services.AddSingleton(CreateBlobStore);
        services.AddHostedService<StorageInitializer>();
        return services;
    }

    /// <summary>
    /// Serves <typeparamref name="TPort"/> from the adapter of the configured metadata provider; the other adapter is
    /// never built. Replaces any default (such as the core's in-process cluster locks).
    /// </summary>
    private static void Port<TPort, TSqlite, TPostgres>(IServiceCollection services)
        where TPort : class
        where TSqlite : class, TPort
        where TPostgres : class, TPort =>
        services.Replace(ServiceDescriptor.Singleton<TPort>(provider =>
            provider.GetRequiredService<IOptions<StorageOptions>>().Value.Metadata.Provider == StorageProviders.Postgres
                ? provider.GetRequiredService<TPostgres>()
                : provider.GetRequiredService<TSqlite>()));

    private static IBlobStore CreateBlobStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        return options.Blobs.Provider switch
        {
            StorageProviders.FileSystem => new FileSystemBlobStore(
                options.BlobRoot, services.GetRequiredService<ILogger<FileSystemBlobStore>>()),
            StorageProviders.S3 => new S3BlobStore(
                options.Blobs.S3, services.GetService<TimeProvider>() ?? TimeProvider.System, services.GetRequiredService<ILogger<S3BlobStore>>()),
            var other => throw new InvalidOperationException(StorageProviders.UnsupportedBlobs(other)),
        };
    }
}
