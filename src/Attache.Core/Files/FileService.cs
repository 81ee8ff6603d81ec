using Attache.Core.Documents;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Microsoft.Extensions.Logging;

namespace Attache.Core.Files;

/// <summary>Checksums a client declared for the bytes it sends, as lower-case hex.</summary>
public sealed record DeclaredChecksums(string? Sha256 = null, string? Md5 = null)
{
    public static readonly DeclaredChecksums None = new();
}

public sealed record UploadRequest(
    string DocumentId,
    string Slot,
    int? Index,
    string? FileName,
    string? MediaType,
    Stream Content,
    long? DeclaredLength = null,
    DeclaredChecksums? Checksums = null);

public sealed class UploadLimits
{
    public const long DefaultMaxBytes = 5L * 1024 * 1024 * 1024;

    public long MaxBytes { get; set; } = DefaultMaxBytes;
}

public sealed class FileService(
    IMetadataStore metadata,
    IBlobStore blobs,
    BlobJanitor janitor,
    DocumentService documents,
    UploadLimits limits,
    TimeProvider time,
    ILogger<FileService> logger)
{
    public const string DefaultSlot = "file";
    public const string DefaultMediaType = "application/octet-stream";

    /// <summary>
    /// Streams the bytes into the blob store and then records them as a new version of the file in the slot,
    /// creating the file when the slot is empty. Declared checksums are compared with what was stored.
    /// </summary>
    public async Task<Outcome<StoredFile>> UploadAsync(Caller caller, UploadRequest request, CancellationToken cancellationToken)
    {
        if (!Ids.IsValidSlot(request.Slot))
        {
            return new Failure.Invalid($"The slot must be 1 to {Ids.MaxSlotLength} letters, digits, '_' or '-'.", "slot");
        }

        if (request.Index is { } requestedIndex && !Ids.IsValidIndex(requestedIndex))
        {
            return new Failure.Invalid($"The index must be between 0 and {Ids.MaxIndex}.", "index");
        }

        if (request.DeclaredLength > limits.MaxBytes)
        {
            return TooLarge();
        }

        var found = await documents.FindAsync(caller, request.DocumentId, Permissions.Edit, cancellationToken);
        if (!found.TryGetValue(out var document, out var failure))
        {
            return failure;
        }

        if (document.IsDeleted)
        {
            return new Failure.Gone($"Document '{document.Id}' is deleted.");
        }

        var sanitized = FileNames.Sanitize(request.FileName);
        if (!sanitized.TryGetValue(out var fileName, out failure))
        {
            return failure;
        }

        var index = request.Index ?? await NextFreeIndexAsync(document.Id, request.Slot, cancellationToken);
        var existing = await metadata.FindFileInSlotAsync(document.Id, request.Slot, index, cancellationToken);

        Outcome<StagedBlob> staging;
        try
        {
            staging = await blobs.StageAsync(request.Content, limits.MaxBytes, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            logger.LogInformation("Upload to {DocumentId}/{Slot}/{Index} ended early: {Reason}", document.Id, request.Slot, index, exception.Message);
            await MarkAsync(existing, UploadState.UploadFromClientToServerFailed);
            throw;
        }

        if (!staging.TryGetValue(out var staged, out failure))
        {
            await MarkAsync(existing, UploadState.UploadFromClientToServerFailed);
            return failure;
        }

        await using (staged)
        {
            var now = time.GetUtcNow();
            var file = existing ?? new StoredFile
            {
                Id = await metadata.NextFileIdAsync(cancellationToken),
                DocumentId = document.Id,
                Slot = request.Slot,
                Index = index,
                FileName = fileName,
                MediaType = request.MediaType ?? DefaultMediaType,
                State = UploadState.Initial,
                Created = now,
                Modified = now,
            };

            if (Mismatch(request.Checksums, staged) is { } mismatch)
            {
                var rejected = file with { State = UploadState.ChecksumVerificationOnServerSideMismatch, Modified = now };
                await metadata.SaveFileAsync(rejected, null, CancellationToken.None);
                return mismatch;
            }

            var versions = await metadata.ListVersionsAsync(file.Id, cancellationToken);
            var version = new FileVersion
            {
                FileId = file.Id,
                Number = versions.Count == 0 ? 1 : versions.Max(v => v.Number) + 1,
                Size = staged.Size,
                Sha256 = staged.Sha256,
                Md5 = staged.Md5,
                FileName = fileName,
                MediaType = request.MediaType ?? DefaultMediaType,
                Created = now,
                CreatedBy = caller.Name,
            };
            var ready = file with
            {
                FileName = version.FileName,
                MediaType = version.MediaType,
                State = UploadState.ReadyForDownloadFromServerToClient,
                CurrentVersion = version.Number,
                Size = version.Size,
                Sha256 = version.Sha256,
                Md5 = version.Md5,
                Modified = now,
                Removed = null,
            };

            var recorded = await janitor.CommitAsync(staged, () => metadata.SaveFileAsync(ready, version, CancellationToken.None), cancellationToken);
            return recorded
                ? ready
                : new Failure.Conflict($"Slot '{request.Slot}' index {index} of document '{document.Id}' was filled by another upload.");
        }
    }

    public async Task<Outcome<StoredFile>> GetAsync(Caller caller, string fileId, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, fileId, Permissions.View, cancellationToken);
        return found.Map(pair => pair.File);
    }

    public async Task<Outcome<IReadOnlyList<StoredFile>>> ListAsync(Caller caller, string documentId, CancellationToken cancellationToken)
    {
        var found = await documents.FindAsync(caller, documentId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var document, out var failure))
        {
            return failure;
        }

        var files = await metadata.ListFilesAsync(document.Id, cancellationToken);
        return caller.IsAdmin ? Outcome(files) : Outcome<IReadOnlyList<StoredFile>>(files.Where(f => !f.IsRemoved).ToList());
    }

    public async Task<Outcome<IReadOnlyList<FileVersion>>> ListVersionsAsync(Caller caller, string fileId, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, fileId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var pair, out var failure))
        {
            return failure;
        }

        return Outcome(await metadata.ListVersionsAsync(pair.File.Id, cancellationToken));
    }

    /// <summary>Marks the file removed; its versions stay until the document is purged.</summary>
    public async Task<Outcome<StoredFile>> RemoveAsync(Caller caller, string fileId, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, fileId, Permissions.Delete, cancellationToken);
        if (!found.TryGetValue(out var pair, out var failure))
        {
            return failure;
        }

        if (pair.File.IsRemoved)
        {
            return pair.File;
        }

        var now = time.GetUtcNow();
        var removed = pair.File with { Removed = now, Modified = now };
        await metadata.SaveFileAsync(removed, null, cancellationToken);
        return removed;
    }

    /// <summary>The file and its document, when the caller holds the permission; removed files are gone except for admins.</summary>
    internal async Task<Outcome<(StoredFile File, Document Document)>> FindAsync(
        Caller caller, string fileId, string permission, CancellationToken cancellationToken)
    {
        if (!Ids.IsValidId(fileId))
        {
            return new Failure.Invalid($"'{(fileId.Length > 40 ? fileId[..40] + "…" : fileId)}' is not a valid file id.", "id");
        }

        var file = await metadata.FindFileAsync(fileId, cancellationToken);
        if (file is null || (file.IsRemoved && !caller.IsAdmin))
        {
            return FileNotFound(fileId);
        }

        var found = await documents.FindAsync(caller, file.DocumentId, permission, cancellationToken);
        if (!found.TryGetValue(out var document, out var failure))
        {
            return failure is Failure.NotFound ? FileNotFound(fileId) : failure;
        }

        return (file, document);
    }

    internal static Failure FileNotFound(string fileId) => new Failure.NotFound($"File '{fileId}' was not found.");

    private static Outcome<T> Outcome<T>(T value) => value;

    private async Task<int> NextFreeIndexAsync(string documentId, string slot, CancellationToken cancellationToken)
    {
        var files = await metadata.ListFilesAsync(documentId, cancellationToken);
        var taken = files.Where(f => f.Slot == slot).Select(f => f.Index).ToList();
        return taken.Count == 0 ? 0 : taken.Max() + 1;
    }

    private async Task MarkAsync(StoredFile? existing, UploadState state)
    {
        if (existing is not null)
        {
            await metadata.SaveFileAsync(existing with { State = state, Modified = time.GetUtcNow() }, null, CancellationToken.None);
        }
    }

    private Failure.TooLarge TooLarge() =>
        new($"The upload is larger than the limit of {limits.MaxBytes} bytes.", limits.MaxBytes);

    private static Failure.ChecksumMismatch? Mismatch(DeclaredChecksums? declared, StagedBlob staged)
    {
        if (declared?.Sha256 is { } sha256 && !string.Equals(sha256, staged.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return new("The SHA-256 the client declared does not match the bytes received.", "SHA-256", sha256.ToLowerInvariant(), staged.Sha256);
        }

        if (declared?.Md5 is { } md5 && !string.Equals(md5, staged.Md5, StringComparison.OrdinalIgnoreCase))
        {
            return new("The MD5 the client declared does not match the bytes received.", "MD5", md5.ToLowerInvariant(), staged.Md5);
        }

        return null;
    }
}
