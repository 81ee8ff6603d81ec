using Attache.Core.Audit;
using Attache.Core.Downloads;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Core.Documents;

/// <summary>
/// A document as one caller may see it: only a <see cref="AttributeFileService"/> makes one, after checking that the
/// caller may view it. Attributes of visibility <c>I</c> are left out here, and only here, so nothing built on a view
/// can reveal them.
/// </summary>
public sealed class DocumentView
{
    internal DocumentView(Caller caller, Document document)
    {
        Caller = caller;
        Document = document;
        VisibleAttributes = document.Attributes.Where(AttributeVisibility.IsVisible).ToList();
    }

    public Caller Caller { get; }

    public Document Document { get; }

    /// <summary>The schema's attributes the caller may know of, in their declared order.</summary>
    public IReadOnlyList<AttributeDefinition> VisibleAttributes { get; }

    public AttributeDefinition? FindAttribute(string id) => VisibleAttributes.FirstOrDefault(a => string.Equals(a.Id, id, StringComparison.Ordinal));
}

public static class AttributeVisibility
{
    /// <summary>Dynacase's invisible attributes: never returned, their existence never revealed.</summary>
    public const string Invisible = "I";

    public static bool IsVisible(AttributeDefinition attribute) => attribute.Visibility != Invisible;

    /// <summary>Attribute types whose values are files.</summary>
    public static bool HoldsFiles(AttributeDefinition attribute) => attribute.Type is "file" or "image";
}

/// <summary>The file held by a file attribute of a viewable document, at its index.</summary>
public sealed record AttributeFile(DocumentView View, AttributeDefinition Attribute, StoredFile File);

/// <summary>
/// The <see cref="Failure.Invalid.Field"/> values <see cref="AttributeFileService.ResolveAsync"/> answers with, so that
/// a dialect can word each case.
/// </summary>
public static class AttributeFileFields
{
    /// <summary>No visible attribute (nor a file of one) has that id; an invisible one answers exactly this too.</summary>
    public const string Attribute = "attribute";

    /// <summary>The attribute is visible but does not hold files.</summary>
    public const string AttributeType = "attribute.type";

    /// <summary>A multi-valued attribute was asked for without an index.</summary>
    public const string IndexRequired = "index.required";

    /// <summary>A single-valued attribute (or a file named by its id) was asked for with an index.</summary>
    public const string IndexNotAllowed = "index.notAllowed";
}

/// <summary>Files of documents reached through their attribute schema, as Dynacase's file attributes are.</summary>
public sealed class AttributeFileService(IMetadataStore metadata, AuditTrail audit)
{
    /// <summary>
    /// The document when the caller may view it. A missing (or impossible) id is NotFound, a deleted document Gone (for
    /// every caller, administrators included: it is gone from the schema's point of view), and one the caller may not
    /// view Forbidden.
    /// </summary>
    public async Task<Outcome<DocumentView>> OpenAsync(Caller caller, string documentId, CancellationToken cancellationToken)
    {
        var document = Ids.IsValidId(documentId) ? await metadata.FindDocumentAsync(documentId, cancellationToken) : null;
        if (document is null)
        {
            return AccessControl.NotFound(documentId);
        }

        if (document.IsDeleted)
        {
            return new Failure.Gone($"Document '{document.Id}' is deleted.");
        }

        if (!AccessControl.MayView(caller, document))
        {
            var denied = new Failure.Forbidden($"Need acl \"{Permissions.View}\" to access to the document.");
            audit.Denied(caller, Permissions.View, denied, document.Id);
            return denied;
        }

        return new DocumentView(caller, document);
    }

    /// <summary>
    /// The ready file that <paramref name="attributeOrFileId"/> names: a visible file attribute (at <paramref name="index"/>
    /// when it is multi-valued, without one otherwise), or else the id of a file held by one. An attribute id wins over a
    /// file id. Anything an invisible attribute holds answers exactly as an unknown attribute does.
    /// </summary>
    public async Task<Outcome<AttributeFile>> ResolveAsync(DocumentView view, string attributeOrFileId, int? index, CancellationToken cancellationToken)
    {
        var unknown = new Failure.Invalid($"Attribute '{attributeOrFileId}' of document '{view.Document.Id}' does not exist.", AttributeFileFields.Attribute);
        if (view.FindAttribute(attributeOrFileId) is { } attribute)
        {
            if (!AttributeVisibility.HoldsFiles(attribute))
            {
                return new Failure.Invalid($"Attribute '{attribute.Id}' of document '{view.Document.Id}' does not hold files.", AttributeFileFields.AttributeType);
            }

            if (attribute.Multiple && index is null)
            {
                return new Failure.Invalid($"Attribute '{attribute.Id}' is multi-valued: an index is needed.", AttributeFileFields.IndexRequired);
            }

            if (!attribute.Multiple && index is not null)
            {
                return new Failure.Invalid($"Attribute '{attribute.Id}' is single-valued: no index may be given.", AttributeFileFields.IndexNotAllowed);
            }

            var at = index ?? 0;
            var file = Ids.IsValidIndex(at) ? await metadata.FindFileInSlotAsync(view.Document.Id, attribute.Id, at, cancellationToken) : null;
            return IsServable(file) ? new AttributeFile(view, attribute, file!) : NoFile(attribute.Id, index, view.Document.Id);
        }

        if (!Ids.IsValidId(attributeOrFileId) || await metadata.FindFileAsync(attributeOrFileId, cancellationToken) is not { } byId
            || byId.DocumentId != view.Document.Id || view.FindAttribute(byId.Slot) is not { } holder || !AttributeVisibility.HoldsFiles(holder))
        {
            return unknown;
        }

        if (index is not null)
        {
            // A file id takes no index; answering otherwise than for an unknown attribute would tell the id is a file's.
            return unknown;
        }

        return IsServable(byId) ? new AttributeFile(view, holder, byId) : NoFile(holder.Id, holder.Multiple ? byId.Index : null, view.Document.Id);
    }

    /// <summary>Every file the view's visible file attributes hold, by attribute then index (a single-valued one holds index 0 only).</summary>
    public async Task<IReadOnlyList<AttributeFile>> ListAsync(DocumentView view, CancellationToken cancellationToken)
    {
        var stored = await metadata.ListFilesAsync(view.Document.Id, cancellationToken);
        return view.VisibleAttributes
            .Where(AttributeVisibility.HoldsFiles)
            .SelectMany(attribute => stored
                .Where(f => f.Slot == attribute.Id && IsServable(f) && (attribute.Multiple || f.Index == 0))
                .OrderBy(f => f.Index)
                .Select(f => new AttributeFile(view, attribute, f)))
            .ToList();
    }

    /// <summary>The download of the file's current version, audited for the view's caller.</summary>
    public async Task<Outcome<DownloadPlan>> PlanAsync(AttributeFile file, CancellationToken cancellationToken)
    {
        var version = await metadata.FindVersionAsync(file.File.Id, file.File.CurrentVersion!.Value, cancellationToken);
        return version is null
            ? NoFile(file.Attribute.Id, file.Attribute.Multiple ? file.File.Index : null, file.View.Document.Id)
            : DownloadService.Plan(version) with { Audit = DownloadAudit.For(file.View.Caller, file.View.Document.Id) };
    }

    // A removed file, or one whose bytes never arrived, is not there as far as the document is concerned.
    private static bool IsServable(StoredFile? file) =>
        file is { IsRemoved: false, State: UploadState.ReadyForDownloadFromServerToClient, CurrentVersion: not null };

    private static Failure.NotFound NoFile(string attributeId, int? index, string documentId) =>
        new($"No file in attribute '{attributeId}'{(index is null ? "" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $" at index {index}"))} of document '{documentId}'.");
}
