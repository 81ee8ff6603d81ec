using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Storage.Blobs;
using Attache.Storage.Blobs.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attache.Storage;

/// <summary>Prepares the stores before the host takes requests, so the first request finds the schema.</summary>
internal sealed class StorageInitializer(
    IOptions<StorageOptions> options,
    IMetadataStore metadata,
    IBlobStore blobs,
    IServiceProvider services,
    ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Value.DataPath);
        await metadata.InitializeAsync(cancellationToken);
        if (services.GetService<IStaleUploads>() is { } staleUploads)
        {
            var now = (services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
            var age = options.Value.Metadata.Provider == StorageProviders.Sqlite ? TimeSpan.Zero : options.Value.Metadata.StaleUploadAge;
            var failed = await staleUploads.FailAsync(now - age, now, cancellationToken);
            logger.LogInformation("Marked {Count} upload(s) left in progress by an earlier process as failed", failed.Count);
        }

        if (blobs is FileSystemBlobStore fileSystem)
        {
            await fileSystem.SweepStagingAsync(cancellationToken);
        }
        else if (blobs is S3BlobStore s3)
        {
            await s3.InitializeAsync(cancellationToken);
        }

        // Bytes committed just before a crash, whose version was never recorded. The core is absent when only the
        // stores are used (attache migrate), and then so is anything that could have left such bytes.
        if (blobs is IBlobInventory inventory && services.GetService<BlobJanitor>() is { } janitor)
        {
            var removed = await janitor.SweepOrphansAsync(inventory, cancellationToken);
            logger.LogInformation("Removed {Count} blob(s) that no version or rendition refers to", removed);
        }

        logger.LogInformation("Storage ready: metadata {Metadata}, blobs {Blobs}, data in {DataPath}",
            options.Value.Metadata.Provider, options.Value.Blobs.Provider, options.Value.DataPath);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
