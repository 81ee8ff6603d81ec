using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Microsoft.Extensions.Logging;

namespace Attache.Core.Renditions;

/// <summary>
/// Resolves "file X as format F" into a <see cref="DownloadPlan"/> of a cached rendition, rendering it once on first
/// demand. Concurrent requests for the same rendition share one rendering: in one process by waiting on the same task,
/// across nodes by a cluster lock on the rendition, under which a node first looks whether another one rendered it.
/// </summary>
public sealed class RenditionService(
    IMetadataStore metadata,
    IBlobStore blobs,
    IRenditionStore renditions,
    IRenderer renderer,
    BlobJanitor janitor,
    IClusterLocks locks,
    FileService files,
    DownloadService downloads,
    TimeProvider time,
    ILogger<RenditionService> logger)
{
    private readonly ConcurrentDictionary<RenditionKey, Task<Outcome<Rendition>>> _inFlight = new();

    /// <summary>
    /// A transcript is a file stored as Rev transcript JSON, or a JSON file (or one of unknown type) of a <c>transcript</c>
    /// document; the other files of such a document (exhibit PDFs, the recording) are not.
    /// </summary>
    public static bool IsTranscript(StoredFile file, Document document)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(document);
        var mediaType = file.MediaType.Split(';')[0].Trim();
        return mediaType.Equals(Transcripts.MediaType, StringComparison.OrdinalIgnoreCase)
            || (document.Kind == Transcripts.DocumentKind
                && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                    || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
                    || mediaType.Equals(FileService.DefaultMediaType, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// The current version of a transcript file in <paramref name="format"/> (text in
    /// <paramref name="charset"/>, UTF-8 when null or unsupported); for a file that is not a transcript, its stored bytes
    /// as <see cref="DownloadService"/> plans them.
    /// </summary>
    public Task<Outcome<DownloadPlan>> ResolveAsync(
        Caller caller, string fileId, RenditionFormat format, string? charset, CancellationToken cancellationToken) =>
        ResolveAsync(caller, fileId, format, charset, null, cancellationToken);

    /// <summary>As the overload without a version, but of <paramref name="version"/> when it is not null.</summary>
    public async Task<Outcome<DownloadPlan>> ResolveAsync(
        Caller caller, string fileId, RenditionFormat format, string? charset, int? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(format);
        var found = await files.FindAsync(caller, fileId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var pair, out var failure))
        {
            return failure;
        }

        var source = await downloads.ResolveAsync(caller, fileId, version, cancellationToken);
        if (!source.TryGetValue(out var plan, out _) || !IsTranscript(pair.File, pair.Document))
        {
            return source;
        }

        var encoding = format == RenditionFormat.Text ? TranscriptCharsets.Normalize(charset) ?? TranscriptCharsets.Utf8 : "";
        var request = new RenderRequest(format, encoding, Caption(pair.Document));
        var key = new RenditionKey(plan.FileId, plan.Version, format.Name, encoding, Variant(request));
        var rendition = await renditions.FindAsync(key, cancellationToken);
        if (rendition is null || !await blobs.ExistsAsync(rendition.Sha256, cancellationToken))
        {
            var pending = new TaskCompletionSource<Outcome<Rendition>>(TaskCreationOptions.RunContinuationsAsynchronously);
            var shared = _inFlight.GetOrAdd(key, pending.Task);
            if (shared == pending.Task)
            {
                _ = RenderAndForgetAsync(key, pending, pair.Document.Id, plan, request);
            }

            var rendered = await shared.WaitAsync(cancellationToken);
            if (!rendered.TryGetValue(out rendition, out failure))
            {
                return failure;
            }
        }

        var mediaType = encoding.Length == 0 ? format.MediaType : $"{format.MediaType}; charset={encoding}";

        // The bytes change with the caption and the layout as well as the version: the latest of the three dates it.
        var lastModified = new[] { plan.LastModified, pair.Document.Modified, rendition.Created }.Max();
        return plan with
        {
            LastModified = lastModified,
            BlobKey = rendition.Sha256,
            Length = rendition.Size,
            Sha256 = rendition.Sha256,
            Md5 = rendition.Md5,
            MediaType = mediaType,
            FileName = Path.ChangeExtension(plan.FileName, format.Extension),
            Audit = plan.Audit is { } audit ? audit with { Detail = $"rendition {format.Name} {encoding}".TrimEnd() } : null,
        };
    }

    private static Dictionary<string, string> Caption(Document document) =>
        Transcripts.CaptionProperties
            .Where(document.Properties.ContainsKey)
            .ToDictionary(name => name, name => document.Properties[name], StringComparer.Ordinal);

    /// <summary>Everything besides the version, format and charset that the bytes depend on, hashed.</summary>
    private string Variant(RenderRequest request)
    {
        var text = new StringBuilder(renderer.Revision).Append('\n');
        foreach (var (name, value) in request.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('=').Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    /// <summary>The cluster lock a node holds while it renders <paramref name="key"/>.</summary>
    public static string LockName(RenditionKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return $"rendition {key.FileId} {key.Version} {key.Format} {key.Charset} {key.Variant}";
    }

    /// <summary>Renders for everyone waiting on <paramref name="pending"/>, then lets the next request look afresh.</summary>
    private async Task RenderAndForgetAsync(
        RenditionKey key, TaskCompletionSource<Outcome<Rendition>> pending, string documentId, DownloadPlan source, RenderRequest request)
    {
        try
        {
            pending.SetResult(await RenderAsync(key, documentId, source, request));
        }
        catch (Exception exception)
        {
            pending.SetException(exception);
        }
        finally
        {
            _inFlight.TryRemove(KeyValuePair.Create(key, pending.Task));
        }
    }

    /// <summary>
    /// Renders into a temporary file, stages it as a blob and records it. Runs to the end even when the request that
    /// started it goes away, since others may be waiting for it.
    /// </summary>
    private async Task<Outcome<Rendition>> RenderAsync(RenditionKey key, string documentId, DownloadPlan source, RenderRequest request)
    {
        var cancellationToken = CancellationToken.None;
        await using var claim = await locks.AcquireAsync(LockName(key), cancellationToken);
        if (await renditions.FindAsync(key, cancellationToken) is { } done && await blobs.ExistsAsync(done.Sha256, cancellationToken))
        {
            return done;
        }

        var started = Stopwatch.GetTimestamp();
        await using var input = await blobs.OpenReadAsync(source.BlobKey, 0, source.Length, cancellationToken);
        if (input is null)
        {
            return new Failure.NotFound($"The bytes of file '{source.FileId}' version {source.Version} are missing.");
        }

        var path = Path.Combine(Path.GetTempPath(), $"attache-rendition-{Guid.NewGuid():N}.tmp");
        await using var output = new FileStream(
            path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        if (await renderer.RenderAsync(input, request, output, cancellationToken) is { } failed)
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
            logger.LogInformation("Rendered file {FileId} version {Version} as {Format} ({Size} bytes) in {Elapsed} ms",
                key.FileId, key.Version, key.Format, staged.Size, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return recorded;
        }

        async Task<Outcome<Rendition>> RecordAsync()
        {
            // A purge that ran meanwhile removed the version; a record now would keep bytes no one can ask for.
            if (await metadata.FindVersionAsync(key.FileId, key.Version, cancellationToken) is null)
            {
                return new Failure.Gone($"File '{key.FileId}' version {key.Version} was purged while it was being rendered.");
            }

            return await renditions.AddAsync(new Rendition
            {
                Key = key,
                DocumentId = documentId,
                Size = staged.Size,
                Sha256 = staged.Sha256,
                Md5 = staged.Md5,
                Created = time.GetUtcNow(),
            }, cancellationToken);
        }
    }
}
