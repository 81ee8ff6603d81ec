using Attache.Core.Audit;
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
    DeclaredChecksums? Checksums = null)
{
    /// <summary>
    /// For an appending upload (no index): the file is recorded before its bytes arrive, so that its state shows the upload
    /// in progress, then the checksum being verified, and what became of it (failed, mismatch, ready).
    /// </summary>
    public bool ReserveFile { get; init; }
}

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
    AuditTrail audit,
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

        // A reserved file at the next free index adds to the document without replacing anything: attaching is enough.
        var permission = request.ReserveFile && request.Index is null ? Permissions.Attach : Permissions.Edit;
        var found = await documents.FindAsync(caller, request.DocumentId, permission, cancellationToken);
        if (!found.TryGetValue(out var document, out var failure))
        {
            return failure;
        }

        if (document.IsDeleted)
        {
            return new Failure.Gone($"Document '{document.Id}' is deleted.");
        }

        string? fileName = null;
        if (request.FileName is not null)
        {
            var sanitized = FileNames.Sanitize(request.FileName);
            if (!sanitized.TryGetValue(out fileName, out failure))
            {
                return failure;
            }
        }

        var index = request.Index ?? await NextFreeIndexAsync(document.Id, request.Slot, cancellationToken);
        if (!Ids.IsValidIndex(index))
        {
            return SlotFull(request.Slot, document.Id);
        }

        var target = new UploadTarget(document.Id, request.Slot, index, fileName, request.MediaType, Append: request.Index is null);
        StoredFile? existing;
        if (request.ReserveFile && target.Append)
        {
            var reserved = await ReserveAsync(target, cancellationToken);
            if (!reserved.TryGetValue(out existing, out failure))
            {
                return failure;
            }

            target = target with { Index = existing.Index, Append = false, Reserved = true };
        }
        else
        {
            existing = await metadata.FindFileInSlotAsync(document.Id, request.Slot, index, cancellationToken);
        }

        var content = new ContentReadGuard(request.Content);
        Outcome<StagedBlob> staging;
        try
        {
            staging = await blobs.StageAsync(content, limits.MaxBytes, cancellationToken);
        }
        catch (Exception exception) when (content.Failed || exception is OperationCanceledException)
        {
            logger.LogInformation("Upload to {DocumentId}/{Slot}/{Index} ended early: {Reason}", document.Id, request.Slot, index, exception.Message);
            // An appending upload has no file of its own yet: whatever sits at its first pick is another upload's.
            if (existing is not null && !target.Append)
            {
                await ChangeFileAsync(existing.Id, file => file with { State = UploadState.UploadFromClientToServerFailed, Modified = time.GetUtcNow() });
            }

            AuditUpload(caller, target, existing, AuditResults.Aborted, null);
            throw;
        }
        catch (Exception exception)
        {
            // The store failed (disk full, I/O error, service down): the current version stays as it was and servable,
            // while a file recorded for this upload alone shows that its upload failed rather than staying in progress.
            logger.LogWarning("Upload to {DocumentId}/{Slot}/{Index} could not be stored: {Reason}", document.Id, request.Slot, index, exception.Message);
            if (target.Reserved)
            {
                await ChangeFileAsync(existing!.Id, file => file with { State = UploadState.UploadFromClientToServerFailed, Modified = time.GetUtcNow() });
            }

            AuditUpload(caller, target, existing, AuditResults.Failed, null);
            throw;
        }

        // Too large: the client was refused before its bytes counted, so the current version stays as it was.
        if (!staging.TryGetValue(out var staged, out failure))
        {
            if (request.ReserveFile && existing is not null)
            {
                await ChangeFileAsync(existing.Id, file => file with { State = UploadState.UploadFromClientToServerFailed, Modified = time.GetUtcNow() });
            }

            AuditUpload(caller, target, existing, AuditResults.Of(failure), null);
            return failure;
        }

        await using (staged)
        {
            if (request.ReserveFile && existing is not null)
            {
                await ChangeFileAsync(existing.Id, file => file with { State = UploadState.ChecksumVerificationOnServerSideInProgress, Modified = time.GetUtcNow() });
            }

            if (Mismatch(request.Checksums, staged) is { } mismatch)
            {
                await RecordMismatchAsync(target);
                AuditUpload(caller, target, existing, AuditResults.Of(mismatch), null);
                return mismatch;
            }

            // Every byte is in and verified: finishing no longer depends on the client still listening.
            var recorded = await janitor.CommitAsync(staged, () => RecordVersionAsync(caller, target, staged), CancellationToken.None);
            AuditUpload(caller, target, recorded.Succeeded ? recorded.Value : existing,
                recorded.Succeeded ? AuditResults.Ok : AuditResults.Of(recorded.Failure), staged.Size);
            return recorded;
        }
    }

    private void AuditUpload(Caller caller, UploadTarget target, StoredFile? file, string result, long? bytes) =>
        audit.Record(audit.Event(AuditActions.Upload, caller, result: result) with
        {
            DocumentId = target.DocumentId,
            FileId = file?.Id,
            Version = result == AuditResults.Ok ? file?.CurrentVersion : null,
            Bytes = bytes,
            // An appending upload may have moved on to the next free index: a stored one says where it landed.
            Detail = result == AuditResults.Ok && file is not null
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{file.Slot}/{file.Index}")
                : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{target.Slot}/{target.Index}"),
        });

    /// <summary>Where an upload goes; an appending upload takes the next free index even if another upload took its first pick.</summary>
    private sealed record UploadTarget(string DocumentId, string Slot, int Index, string? FileName, string? MediaType, bool Append)
    {
        /// <summary>The file was recorded for this upload before its bytes arrived.</summary>
        public bool Reserved { get; init; }
    }

    /// <summary>
    /// Adds the committed bytes as the next version of the file in the slot (creating the file when the slot is empty),
    /// on fresh reads, so that a concurrent change of the file or a delete of the document is never overwritten.
    /// </summary>
    private async Task<Outcome<StoredFile>> RecordVersionAsync(Caller caller, UploadTarget target, StagedBlob staged)
    {
        var cancellationToken = CancellationToken.None;
        for (var attempt = 0; attempt < DocumentService.MaxWriteAttempts; attempt++)
        {
            var document = await metadata.FindDocumentAsync(target.DocumentId, cancellationToken);
            if (document is null || document.IsDeleted)
            {
                return new Failure.Gone($"Document '{target.DocumentId}' was deleted during the upload.");
            }

            var now = time.GetUtcNow();
            (target, var current) = await SlotAsync(target);
            if (!Ids.IsValidIndex(target.Index))
            {
                return SlotFull(target.Slot, target.DocumentId);
            }

            // A file recorded for this upload and removed while its bytes arrived stays removed.
            if (target.Reserved && current is null or { IsRemoved: true })
            {
                return new Failure.Gone($"File in slot '{target.Slot}' index {target.Index} of document '{target.DocumentId}' was removed during its upload.");
            }

            var file = current ?? await NewFileAsync(target, now, cancellationToken);
            var versions = current is null ? [] : await metadata.ListVersionsAsync(current.Id, cancellationToken);
            var version = FileVersions.Next(
                versions, file.Id, staged, target.FileName ?? file.FileName, target.MediaType ?? file.MediaType, now, caller.Name);
            var ready = file.PointingAt(version, now) with
            {
                FileName = version.FileName,
                MediaType = version.MediaType,
                State = UploadState.ReadyForDownloadFromServerToClient,
                Removed = null,
            };

            if (await metadata.SaveFileAsync(ready, version, cancellationToken))
            {
                return ready with { Revision = ready.Revision + 1 };
            }
        }

        return new Failure.Conflict(
            $"Slot '{target.Slot}' index {target.Index} of document '{target.DocumentId}' kept changing during the upload; try again.");
    }

    /// <summary>Leaves the slot's file in the mismatch state, creating it when the slot is empty; nothing is downloadable from it.</summary>
    private async Task RecordMismatchAsync(UploadTarget target)
    {
        for (var attempt = 0; attempt < DocumentService.MaxWriteAttempts; attempt++)
        {
            var now = time.GetUtcNow();
            (target, var current) = await SlotAsync(target);
            if (!Ids.IsValidIndex(target.Index))
            {
                break;
            }

            var file = current ?? await NewFileAsync(target, now, CancellationToken.None);
            if (await metadata.SaveFileAsync(file with { State = UploadState.ChecksumVerificationOnServerSideMismatch, Modified = now }, null, CancellationToken.None))
            {
                return;
            }
        }

        logger.LogWarning("Could not record the checksum mismatch of {DocumentId}/{Slot}/{Index}: the slot kept changing", target.DocumentId, target.Slot, target.Index);
    }

    /// <summary>Records a new file at the next free index of the target's slot, in state upload-in-progress.</summary>
    private async Task<Outcome<StoredFile>> ReserveAsync(UploadTarget target, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < DocumentService.MaxWriteAttempts; attempt++)
        {
            var index = await NextFreeIndexAsync(target.DocumentId, target.Slot, cancellationToken);
            if (!Ids.IsValidIndex(index))
            {
                return SlotFull(target.Slot, target.DocumentId);
            }

            var file = await NewFileAsync(target with { Index = index }, time.GetUtcNow(), cancellationToken) with
            {
                State = UploadState.UploadFromClientToServerInProgress,
            };
            if (await metadata.SaveFileAsync(file, null, cancellationToken))
            {
                return file with { Revision = 1 };
            }
        }

        return new Failure.Conflict($"Slot '{target.Slot}' of document '{target.DocumentId}' kept changing; try again.");
    }

    /// <summary>
    /// The file now in the target's slot. An appending upload never lands on a file that another upload put there
    /// meanwhile: it moves on to the next free index instead.
    /// </summary>
    private async Task<(UploadTarget Target, StoredFile? Current)> SlotAsync(UploadTarget target)
    {
        var current = await metadata.FindFileInSlotAsync(target.DocumentId, target.Slot, target.Index, CancellationToken.None);
        if (current is null || !target.Append)
        {
            return (target, current);
        }

        return (target with { Index = await NextFreeIndexAsync(target.DocumentId, target.Slot, CancellationToken.None) }, null);
    }

    private async Task<StoredFile> NewFileAsync(UploadTarget target, DateTimeOffset now, CancellationToken cancellationToken) => new()
    {
        Id = await metadata.NextFileIdAsync(cancellationToken),
        DocumentId = target.DocumentId,
        Slot = target.Slot,
        Index = target.Index,
        FileName = target.FileName ?? FileNames.Default,
        MediaType = target.MediaType ?? DefaultMediaType,
        State = UploadState.Initial,
        Created = now,
        Modified = now,
    };

    /// <summary>
    /// Applies <paramref name="change"/> to the stored file and writes it unless someone wrote in between, re-reading
    /// and re-applying until it lands. A change that returns null writes nothing. Null when the file is gone.
    /// </summary>
    internal async Task<StoredFile?> ChangeFileAsync(string fileId, Func<StoredFile, StoredFile?> change)
    {
        for (var attempt = 0; attempt < DocumentService.MaxWriteAttempts; attempt++)
        {
            var file = await metadata.FindFileAsync(fileId, CancellationToken.None);
            if (file is null)
            {
                return null;
            }

            if (change(file) is not { } changed)
            {
                return file;
            }

            if (await metadata.SaveFileAsync(changed, null, CancellationToken.None))
            {
                return changed with { Revision = changed.Revision + 1 };
            }
        }

        logger.LogWarning("Could not change file {FileId}: it kept changing", fileId);
        return null;
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

        var removedNow = false;
        var removed = await ChangeFileAsync(pair.File.Id, file =>
        {
            removedNow = !file.IsRemoved;
            return removedNow ? file with { Removed = time.GetUtcNow(), Modified = time.GetUtcNow() } : null;
        });
        if (removed is null)
        {
            return FileNotFound(fileId);
        }

        // Removing what an administrator still sees as removed changes nothing, so there is nothing to record.
        if (removedNow)
        {
            audit.Record(audit.Event(AuditActions.Delete, caller) with { DocumentId = removed.DocumentId, FileId = removed.Id, Detail = "file" });
        }

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

        var found = await documents.FindAsync(caller, file.DocumentId, permission, cancellationToken, file.Id);
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

    private static Failure.Conflict SlotFull(string slot, string documentId) =>
        new($"Slot '{slot}' of document '{documentId}' has a file at its last index, {Ids.MaxIndex}: give an index to replace a file.");

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
