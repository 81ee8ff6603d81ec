using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Core.Editing;

/// <summary>A file, its document, and the number of the version that is stable now.</summary>
public sealed record StableFile(StoredFile File, Document Document, int Version);

/// <summary>
/// Opens and closes editor sessions on files (edit permission), and tells which version of a file is stable
/// (<see cref="StableVersions"/>) for callers who may view it.
/// </summary>
public sealed class EditorSessionService(IEditorSessionStore store, IMetadataStore metadata, FileService files, TimeProvider time)
{
    public async Task<Outcome<EditorSession>> OpenAsync(Caller caller, string fileId, CancellationToken cancellationToken)
    {
        var found = await FindEditableAsync(caller, fileId, cancellationToken);
        if (!found.TryGetValue(out var file, out var failure))
        {
            return failure;
        }

        var session = new EditorSession
        {
            Id = Guid.NewGuid().ToString("N"),
            FileId = file.Id,
            Principal = caller.Name,
            Opened = time.GetUtcNow(),
        };
        return await store.TryCreateAsync(session, cancellationToken)
            ? session
            : new Failure.Conflict($"Editor session '{session.Id}' exists already.");
    }

    /// <summary>Closes the session; closing one already closed keeps its first closing time.</summary>
    public async Task<Outcome<EditorSession>> CloseAsync(Caller caller, string fileId, string sessionId, CancellationToken cancellationToken)
    {
        var found = await FindEditableAsync(caller, fileId, cancellationToken);
        if (!found.TryGetValue(out var file, out var failure))
        {
            return failure;
        }

        var session = Ids.IsValidId(sessionId) ? await store.FindAsync(sessionId, cancellationToken) : null;
        if (session is null || session.FileId != file.Id)
        {
            return new Failure.NotFound($"File '{fileId}' has no editor session '{Shorten(sessionId)}'.");
        }

        return await store.CloseAsync(session.Id, time.GetUtcNow(), cancellationToken) is { } closed
            ? closed
            : new Failure.NotFound($"File '{fileId}' has no editor session '{Shorten(sessionId)}'.");
    }

    public async Task<Outcome<IReadOnlyList<EditorSession>>> ListAsync(Caller caller, string fileId, CancellationToken cancellationToken)
    {
        var found = await files.FindAsync(caller, fileId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var pair, out var failure))
        {
            return failure;
        }

        return Outcome.Of(await store.ListAsync(pair.File.Id, cancellationToken));
    }

    /// <summary>A file with a version that the caller may view, with the version to serve now; removed files are not found.</summary>
    public async Task<Outcome<StableFile>> FindStableAsync(Caller caller, string fileId, CancellationToken cancellationToken)
    {
        var found = await files.FindAsync(caller, fileId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var pair, out var failure))
        {
            return failure;
        }

        var (file, document) = pair;
        if (file.IsRemoved)
        {
            return FileService.FileNotFound(fileId);
        }

        // An edit that failed (cut off, checksum mismatch) marks the file but keeps its versions: the stable one is
        // still served. Only a file that never had a version is not ready.
        if (file.CurrentVersion is null)
        {
            return new Failure.NotReady($"File '{fileId}' is not ready for download: its state is {file.State}.", file.State);
        }

        var versions = await metadata.ListVersionsAsync(file.Id, cancellationToken);
        var sessions = await store.ListAsync(file.Id, cancellationToken);
        var stable = StableVersions.Choose(versions, sessions, time.GetUtcNow()) ?? file.CurrentVersion.Value;
        return new StableFile(file, document, stable);
    }

    private async Task<Outcome<StoredFile>> FindEditableAsync(Caller caller, string fileId, CancellationToken cancellationToken)
    {
        var found = await files.FindAsync(caller, fileId, Permissions.Edit, cancellationToken);
        if (!found.TryGetValue(out var pair, out var failure))
        {
            return failure;
        }

        if (pair.File.IsRemoved)
        {
            return FileService.FileNotFound(fileId);
        }

        return pair.Document.IsDeleted ? new Failure.Gone($"Document '{pair.Document.Id}' is deleted.") : pair.File;
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
