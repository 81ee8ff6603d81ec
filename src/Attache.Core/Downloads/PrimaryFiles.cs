using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Core.Downloads;

/// <summary>
/// The one file a document is downloaded as, for APIs that address a whole document rather than one of its files: the
/// first file (by index) in the slot <see cref="FileService.DefaultSlot"/>, otherwise the first file of any slot (by
/// slot, then index). Removed files do not count.
/// </summary>
public sealed class PrimaryFiles(IMetadataStore metadata, DocumentService documents)
{
    /// <summary>
    /// The document's primary file when the caller may view the document and that file is ready. NotFound when the
    /// document is missing, deleted or hidden from the caller; Invalid for a malformed id; NotReady when the document has
    /// no file (a URL-based document) or its file has no bytes ready.
    /// </summary>
    public async Task<Outcome<(Document Document, StoredFile File)>> FindAsync(Caller caller, string documentId, CancellationToken cancellationToken)
    {
        var found = await documents.FindAsync(caller, documentId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var document, out var failure))
        {
            return failure;
        }

        // Even an administrator downloads nothing from a deleted document through a whole-document API.
        if (document.IsDeleted)
        {
            return AccessControl.NotFound(documentId);
        }

        var file = await OfAsync(document, cancellationToken);
        if (file is not { State: UploadState.ReadyForDownloadFromServerToClient, CurrentVersion: not null })
        {
            return new Failure.NotReady($"Document '{document.Id}' has no file ready for download.", file?.State ?? UploadState.Initial);
        }

        return (document, file);
    }

    /// <summary>The primary file of a document the caller was already allowed to see, ready or not; null when it has none.</summary>
    public async Task<StoredFile?> OfAsync(Document document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        return Pick(await metadata.ListFilesAsync(document.Id, cancellationToken));
    }

    /// <summary>The primary file among a document's files (ordered by slot, then index), or null.</summary>
    public static StoredFile? Pick(IEnumerable<StoredFile> files)
    {
        var present = files.Where(f => !f.IsRemoved).ToList();
        return present.FirstOrDefault(f => f.Slot == FileService.DefaultSlot) ?? present.FirstOrDefault();
    }
}
