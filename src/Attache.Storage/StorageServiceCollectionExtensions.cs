using Attache.Core.Ports;
using Attache.Storage.Blobs;
using Attache.Storage.Blobs.S3;
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

        services.AddSingleton(provider => new SqliteDatabase(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value.MetadataConnectionString,
            provider.GetRequiredService<ILogger<SqliteDatabase>>()));
        services.AddSingleton(CreateMetadataStore);
        services.AddSingleton<ISecretStore>(provider => new SqliteSecretStore(provider.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IPrincipalStore>(provider => new SqlitePrincipalStore(provider.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IAuditStore>(provider => new SqliteAuditStore(provider.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IRenditionStore>(provider => new SqliteRenditionStore(provider.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IEditorSessionStore>(provider => new SqliteEditorSessionStore(provider.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IJobStore>(provider => new SqliteJobStore(provider.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton(CreateBlobStore);
        services.AddHostedService<StorageInitializer>();
        return services;
    }

    private static IMetadataStore CreateMetadataStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        return options.Metadata.Provider switch
        {
            StorageProviders.Sqlite => new SqliteMetadataStore(
                services.GetRequiredService<SqliteDatabase>(), services.GetRequiredService<ILogger<SqliteMetadataStore>>()),
            var other => throw new InvalidOperationException(StorageProviders.UnsupportedMetadata(other)),
        };
    }

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
