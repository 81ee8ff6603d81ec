using Attache.Core.Downloads;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Microsoft.Extensions.Logging;

namespace Attache.Core.Thumbnails;

/// <summary>
/// Thumbnails of files, made in the background: an upload queues a job in the <see cref="IJobStore"/>, a
/// <see cref="ThumbnailWorker"/> on some node claims it and stores the thumbnail as a rendition of the file's version, and
/// the file's <see cref="StoredFile.HasThumbnail"/> turns true.
/// </summary>
public sealed class ThumbnailService(
    IMetadataStore metadata,
    IBlobStore blobs,
    IRenditionStore renditions,
    IJobStore jobs,
    IThumbnailer thumbnailer,
    BlobJanitor janitor,
    FileService files,
    DownloadService downloads,
    TimeProvider time,
    ILogger<ThumbnailService> logger) : IDisposable
{
    public const string JobKind = "thumbnail";
    public const string Format = "thumbnail";

    private readonly SemaphoreSlim _queued = new(0);

    /// <summary>Queues a thumbnail of the file when its type can have one; false when it cannot or one is already queued.</summary>
    public async Task<bool> RequestAsync(StoredFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!thumbnailer.Accepts(file.MediaType) || !await jobs.EnqueueAsync(JobKind, file.Id, time.GetUtcNow(), cancellationToken))
        {
            return false;
        }

        _queued.Release();
        return true;
    }

    /// <summary>Waits until a job may have been queued on this node, or <paramref name="timeout"/> passed.</summary>
    internal Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => _queued.WaitAsync(timeout, cancellationToken);

    /// <summary>
    /// Makes the thumbnail of the file's current version and records it, then sets the file's flag; a file that is gone,
    /// not ready, or whose bytes are not a readable image ends the job without a thumbnail (a failure says why).
    /// </summary>
    public async Task<Failure?> MakeAsync(string fileId, CancellationToken cancellationToken)
    {
        var file = await metadata.FindFileAsync(fileId, cancellationToken);
        if (file is null || file.IsRemoved || file.State != UploadState.ReadyForDownloadFromServerToClient || file.CurrentVersion is not { } number)
        {
            return new Failure.NotFound($"File '{fileId}' has no ready version to make a thumbnail of.");
        }

        var version = await metadata.FindVersionAsync(file.Id, number, cancellationToken);
        if (version is null)
        {
            return new Failure.NotFound($"File '{fileId}' has no version {number}.");
        }

        var key = Key(file.Id, number);
        var rendition = await renditions.FindAsync(key, cancellationToken);
        if (rendition is null || !await blobs.ExistsAsync(rendition.Sha256, cancellationToken))
        {
            var made = await RenderAsync(file, version, key, cancellationToken);
            if (!made.Succeeded)
            {
                return made.Failure;
            }
        }

        await files.ChangeFileAsync(file.Id, current => current.CurrentVersion == number && !current.HasThumbnail
            ? current with { HasThumbnail = true }
            : null);
        return null;
    }

    /// <summary>The thumbnail of a file the caller may view, once it exists; otherwise not found.</summary>
    public async Task<Outcome<DownloadPlan>> ResolveAsync(Caller caller, string fileId, CancellationToken cancellationToken)
    {
        var source = await downloads.ResolveAsync(caller, fileId, null, cancellationToken);
        if (!source.TryGetValue(out var plan, out var failure))
        {
            return failure;
        }

        var rendition = await renditions.FindAsync(Key(plan.FileId, plan.Version), cancellationToken);
        if (rendition is null)
        {
            return new Failure.NotFound($"File '{fileId}' has no thumbnail.");
        }

        return plan with
        {
            BlobKey = rendition.Sha256,
            Length = rendition.Size,
            Sha256 = rendition.Sha256,
            Md5 = rendition.Md5,
            LastModified = rendition.Created,
            MediaType = thumbnailer.MediaType,
            FileName = $"{Path.GetFileNameWithoutExtension(plan.FileName)}-thumbnail.png",
            Audit = plan.Audit is { } audit ? audit with { Detail = "thumbnail" } : null,
        };
    }

    public void Dispose() => _queued.Dispose();

    private RenditionKey Key(string fileId, int version) => new(fileId, version, Format, "", thumbnailer.Revision);

    private async Task<Outcome<Rendition>> RenderAsync(StoredFile file, FileVersion version, RenditionKey key, CancellationToken cancellationToken)
    {
        await using var input = await blobs.OpenReadAsync(version.Sha256, 0, version.Size, cancellationToken);
        if (input is null)
        {
            return new Failure.NotFound($"The bytes of file '{file.Id}' version {version.Number} are missing.");
        }

        var path = Path.Combine(Path.GetTempPath(), $"attache-thumbnail-{Guid.NewGuid():N}.tmp");
        await using var output = new FileStream(
            path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        if (await thumbnailer.MakeAsync(input, version.MediaType, output, cancellationToken) is { } failed)
        {
            return failed;
        }

        output.Position = 0;
        var staging = await blobs.StageAsync(output, long.MaxValue, cancellationToken);
        if (!staging.TryGetValue(out var staged, out var failure))
        {
            return failure;
        }

        await using (staged)
        {
            var recorded = await janitor.CommitAsync(staged, RecordAsync, cancellationToken);
            logger.LogInformation("Made the thumbnail of file {FileId} version {Version} ({Size} bytes)", file.Id, version.Number, staged.Size);
            return recorded;
        }

        async Task<Outcome<Rendition>> RecordAsync()
        {
            // A purge that ran meanwhile removed the version; a record now would keep bytes no one can ask for.
            if (await metadata.FindVersionAsync(file.Id, version.Number, cancellationToken) is null)
            {
                return new Failure.Gone($"File '{file.Id}' version {version.Number} was purged while its thumbnail was being made.");
            }

            return await renditions.AddAsync(new Rendition
            {
                Key = key,
                DocumentId = file.DocumentId,
                Size = staged.Size,
                Sha256 = staged.Sha256,
                Md5 = staged.Md5,
                Created = time.GetUtcNow(),
            }, cancellationToken);
        }
    }
}
