using Attache.Core.Audit;
using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Core.Dictations;

/// <summary>
/// Finds authors, their dictations and a dictation's attached document, deciding what the caller may read: a server
/// key through its <see cref="ServiceGrant"/>, a principal through <see cref="AccessControl"/>.
/// </summary>
public sealed class DictationService(IMetadataStore metadata, IPrincipalStore principals, AuditTrail audit)
{
    private const int PageSize = DocumentService.MaxPageSize;

    /// <summary>
    /// The author named <paramref name="name"/>; <see cref="Failure.Invalid"/> (field <c>author</c>) when no enabled
    /// principal of that name is one the caller may read dictations of.
    /// </summary>
    public async Task<Outcome<Principal>> FindAuthorAsync(Caller caller, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var author = PrincipalRules.IsValidName(name) ? await principals.FindAsync(name, cancellationToken) : null;
        if (author is null || !author.Enabled || (caller.Grant is { } grant && !grant.Covers(author)))
        {
            return new Failure.Invalid($"'{name}' is not an author.", "author");
        }

        return author;
    }

    /// <summary>
    /// The author's dictation with this id, searched in the archive folder, then in the finished folder. Not found when it
    /// is in neither, is another author's, or the caller may not read it; <see cref="Failure.Conflict"/> when it is
    /// there but not finished.
    /// </summary>
    public async Task<Outcome<FoundDictation>> FindFinishedAsync(Caller caller, Principal author, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(author);

        // A GUID names one document and a document lies in one folder, so one read covers both folders in their order.
        var documentId = DictationModel.DocumentId(id);
        var document = await metadata.FindDocumentAsync(documentId, cancellationToken);
        var notFound = new Failure.NotFound($"Dictation '{documentId}' of '{author.Name}' was not found.");
        if (document is null || document.Kind != DictationModel.Kind || document.Owner != author.Name
            || !DictationModel.SearchedFolders.Contains(document.Folder, StringComparer.Ordinal))
        {
            return notFound;
        }

        if (!MayRead(caller, document, author))
        {
            if (!document.IsDeleted)
            {
                audit.Denied(caller, Permissions.View, notFound, document.Id);
            }

            return notFound;
        }

        if (document.State != DictationModel.FinishedState)
        {
            return new Failure.Conflict($"Dictation '{documentId}' is in state '{document.State}', not {DictationModel.FinishedState}.");
        }

        return new FoundDictation(caller, document);
    }

    /// <summary>The current version of the dictation's attached document; not found when it has none ready.</summary>
    public async Task<Outcome<DownloadPlan>> ResolveAttachmentAsync(FoundDictation dictation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dictation);
        var document = dictation.Document;
        var file = await metadata.FindFileInSlotAsync(document.Id, DictationModel.AttachmentSlot, 0, cancellationToken);
        if (file is null || file.IsRemoved || file.State != UploadState.ReadyForDownloadFromServerToClient || file.CurrentVersion is not { } number
            || await metadata.FindVersionAsync(file.Id, number, cancellationToken) is not { } version)
        {
            return new Failure.NotFound($"Dictation '{document.Id}' has no attached document.");
        }

        return DownloadService.Plan(version) with { Audit = DownloadAudit.For(dictation.Caller, document.Id) };
    }

    /// <summary>Every enabled principal the caller may read dictations of, by name; for a principal caller, only itself.</summary>
    public async Task<IReadOnlyList<Principal>> ListAuthorsAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var authors = new List<Principal>();
        string? after = null;
        while (true)
        {
            var page = await principals.ListAsync(after, PageSize, cancellationToken);
            authors.AddRange(page.Where(p => p.Enabled && (caller.Grant?.Covers(p) ?? (caller.IsAdmin || p.Name == caller.Name))));
            if (page.Count < PageSize)
            {
                return authors;
            }

            after = page[^1].Name;
        }
    }

    /// <summary>The author's dictations the caller may read: the archive folder's first, then the finished folder's, each by id.</summary>
    public async Task<IReadOnlyList<DictationEntry>> ListAsync(Caller caller, Principal author, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(author);
        var entries = new List<DictationEntry>();
        foreach (var folder in DictationModel.SearchedFolders)
        {
            string? after = null;
            while (true)
            {
                var page = await metadata.ListDocumentsAsync(
                    new DocumentQuery(Kind: DictationModel.Kind, Owner: author.Name, Folder: folder, After: after, Limit: PageSize), cancellationToken);
                foreach (var document in page.Where(d => MayRead(caller, d, author)))
                {
                    var files = await metadata.ListFilesAsync(document.Id, cancellationToken);
                    entries.Add(new DictationEntry(document, InSlot(files, DictationModel.AttachmentSlot), InSlot(files, DictationModel.AudioSlot)));
                }

                if (page.Count < PageSize)
                {
                    break;
                }

                after = page[^1].Id;
            }
        }

        return entries;
    }

    private static bool MayRead(Caller caller, Document document, Principal author) =>
        caller.Grant is { } grant ? grant.Allows(document, author) : AccessControl.Check(caller, document, Permissions.View) is null;

    private static StoredFile? InSlot(IReadOnlyList<StoredFile> files, string slot) =>
        files.FirstOrDefault(f => f.Slot == slot && f.Index == 0 && !f.IsRemoved && f.State == UploadState.ReadyForDownloadFromServerToClient);
}
