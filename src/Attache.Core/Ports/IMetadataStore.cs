using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Import;

namespace Attache.Core.Ports;

/// <summary>
/// Where documents, files and versions are kept. Implementations are thread-safe and hold no per-request state;
/// every write is one transaction. Provider errors other than the outcomes named here surface as exceptions.
/// </summary>
/// <remarks>
/// Writes of documents and files are optimistic: a record carries the <c>Revision</c> it was read at, a record with
/// revision 0 is inserted, any other is updated only while the stored revision is still the same, and a successful
/// write stores revision + 1. A write that finds another write came first changes nothing and answers false, so no
/// request ever overwrites what it did not see. A file never moves to another document: such a write answers false too.
/// </remarks>
public interface IMetadataStore
{
    /// <summary>Creates the schema or migrates it to the current version. Safe to call on every start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Returns the document, deleted or not, or null when no document has that id.</summary>
    Task<Document?> FindDocumentAsync(string id, CancellationToken cancellationToken);

    /// <summary>Inserts the document (its revision must be 0); false when a document with that id already exists.</summary>
    Task<bool> TryCreateDocumentAsync(Document document, CancellationToken cancellationToken);

    /// <summary>Replaces the stored document with the same id and revision; false when there is none, or it changed since.</summary>
    Task<bool> UpdateDocumentAsync(Document document, CancellationToken cancellationToken);

    /// <summary>Documents matching the query, ordered by id (ordinal), starting after <see cref="DocumentQuery.After"/>.</summary>
    Task<IReadOnlyList<Document>> ListDocumentsAsync(DocumentQuery query, CancellationToken cancellationToken);

    /// <summary>A new file id, numeric and never handed out before.</summary>
    Task<string> NextFileIdAsync(CancellationToken cancellationToken);

    Task<StoredFile?> FindFileAsync(string fileId, CancellationToken cancellationToken);

    Task<StoredFile?> FindFileInSlotAsync(string documentId, string slot, int index, CancellationToken cancellationToken);

    /// <summary>All files of a document, removed ones included, ordered by slot then index.</summary>
    Task<IReadOnlyList<StoredFile>> ListFilesAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts (revision 0) or updates (same revision) the file and, when given, adds its new version, in one transaction.
    /// False, and nothing written, when the id is taken, another file holds the same document, slot and index, the
    /// file changed since it was read, or the version number exists.
    /// </summary>
    Task<bool> SaveFileAsync(StoredFile file, FileVersion? newVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a whole import in one transaction: inserts or updates each document, then inserts or updates each file
    /// and adds its new version, if any, with the revision rules above. A file id that is a plain positive integer (<c>1256</c>, not
    /// <c>01256</c>) raises the sequence behind <see cref="NextFileIdAsync"/> to at least that number, in the same
    /// transaction, so that it is never handed out again. False (and nothing written) when any write would answer false
    /// on its own; a file of a missing document is an exception.
    /// </summary>
    Task<bool> ImportAsync(ImportBatch batch, CancellationToken cancellationToken);

    /// <summary>Versions of a file, oldest first.</summary>
    Task<IReadOnlyList<FileVersion>> ListVersionsAsync(string fileId, CancellationToken cancellationToken);

    Task<FileVersion?> FindVersionAsync(string fileId, int number, CancellationToken cancellationToken);

    /// <summary>
    /// Removes every version of every file of the document and detaches the files from their bytes (a write of each
    /// file), in one transaction. Returns the SHA-256 keys that no version anywhere refers to any more.
    /// </summary>
    Task<IReadOnlyList<string>> PurgeDocumentContentAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>True when any version refers to the blob.</summary>
    Task<bool> IsBlobReferencedAsync(string sha256, CancellationToken cancellationToken);
}

/// <summary>Filters for listing documents; null filters match everything.</summary>
public sealed record DocumentQuery(
    string? Kind = null,
    string? Owner = null,
    string? State = null,
    string? Folder = null,
    bool IncludeDeleted = false,
    string? After = null,
    int Limit = 100);
