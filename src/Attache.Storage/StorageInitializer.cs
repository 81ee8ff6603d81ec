using Attache.Core.Ports;
using Attache.Storage.Blobs;
using Attache.Storage.Blobs.S3;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attache.Storage;

/// <summary>Prepares the stores before the host takes requests, so the first request finds the schema.</summary>
internal sealed class StorageInitializer(
    IOptions<StorageOptions> options,
    IMetadataStore metadata,
    IBlobStore blobs,
    ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Value.DataPath);
        await metadata.InitializeAsync(cancellationToken);
        if (blobs is FileSystemBlobStore fileSystem)
        {
            await fileSystem.SweepStagingAsync(cancellationToken);
        }
        else if (blobs is S3BlobStore s3)
        {
            await s3.InitializeAsync(cancellationToken);
        }

        logger.LogInformation("Storage ready: metadata {Metadata}, blobs {Blobs}, data in {DataPath}",
            options.Value.Metadata.Provider, options.Value.Blobs.Provider, options.Value.DataPath);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
