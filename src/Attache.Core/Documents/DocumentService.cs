using Attache.Core.Audit;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Core.Documents;

public sealed record NewDocument(
    string? Id = null,
    string? Kind = null,
    string? Title = null,
    string? Owner = null,
    string? State = null,
    string? Folder = null,
    IReadOnlyDictionary<string, string>? Properties = null,
    string? SourceUrl = null,
    IReadOnlyList<AclEntry>? Acl = null,
    IReadOnlyList<AttributeDefinition>? Attributes = null);

/// <summary>
/// A partial update: null members stay as they are; a null property value removes that property. <see cref="Acl"/>
/// replaces the whole list (empty removes every entry) and needs <see cref="Permissions.Admin"/> on the document.
/// </summary>
public sealed record DocumentPatch(
    string? Kind = null,
    string? Title = null,
    string? State = null,
    string? Folder = null,
    IReadOnlyDictionary<string, string?>? Properties = null,
    string? SourceUrl = null,
    IReadOnlyList<AclEntry>? Acl = null);

public sealed record DocumentPage(IReadOnlyList<Document> Items, string? NextCursor);

public sealed class DocumentService(IMetadataStore metadata, BlobJanitor janitor, AuditTrail audit, TimeProvider time)
{
    public const int MaxPageSize = 1000;

    /// <summary>How often a write that lost a race is retried on fresh data before the caller is told to retry.</summary>
    internal const int MaxWriteAttempts = 8;

    public async Task<Outcome<Document>> CreateAsync(Caller caller, NewDocument input, CancellationToken cancellationToken)
    {
        var id = input.Id ?? Guid.NewGuid().ToString("D");
        if (!Ids.IsValidId(id))
        {
            return InvalidId(id);
        }

        var owner = input.Owner ?? caller.Name;
        if (!caller.IsAdmin && owner != caller.Name)
        {
            var denied = new Failure.Forbidden("Only an administrator may create a document for another owner.");
            audit.Denied(caller, "create for another owner", denied, id);
            return denied;
        }

        var now = time.GetUtcNow();
        var document = new Document
        {
            Id = id,
            Kind = input.Kind ?? DocumentKinds.Generic,
            Title = input.Title ?? "",
            Owner = owner,
            State = input.State,
            Folder = input.Folder,
            Properties = input.Properties ?? new Dictionary<string, string>(),
            SourceUrl = input.SourceUrl,
            Acl = input.Acl ?? [],
            Attributes = input.Attributes ?? [],
            Created = now,
            Modified = now,
        };
        if (DocumentRules.Validate(document) is { } invalid)
        {
            return invalid;
        }

        return await metadata.TryCreateDocumentAsync(document, cancellationToken)
            ? document with { Revision = 1 }
            : new Failure.Conflict($"A document with id '{id}' already exists.");
    }

    public async Task<Outcome<Document>> GetAsync(Caller caller, string id, CancellationToken cancellationToken) =>
        await FindAsync(caller, id, Permissions.View, cancellationToken);

    public async Task<Outcome<Document>> UpdateAsync(Caller caller, string id, DocumentPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        string? aclBefore = null;

        // Who may see a document is decided by whoever administers it: changing the ACL asks for admin, not edit.
        var outcome = await ChangeAsync(caller, id, patch.Acl is null ? Permissions.Edit : Permissions.Admin, document =>
        {
            if (document.IsDeleted)
            {
                return new Failure.Gone($"Document '{id}' is deleted.");
            }

            var properties = new Dictionary<string, string>(document.Properties, StringComparer.Ordinal);
            foreach (var (key, value) in patch.Properties ?? new Dictionary<string, string?>())
            {
                if (value is null)
                {
                    properties.Remove(key);
                }
                else
                {
                    properties[key] = value;
                }
            }

            var updated = document with
            {
                Kind = patch.Kind ?? document.Kind,
                Title = patch.Title ?? document.Title,
                State = patch.State ?? document.State,
                Folder = patch.Folder ?? document.Folder,
                SourceUrl = patch.SourceUrl ?? document.SourceUrl,
                Properties = properties,
                Acl = patch.Acl ?? document.Acl,
                Modified = time.GetUtcNow(),
            };
            aclBefore = Describe(document.Acl);
            return DocumentRules.Validate(updated) is { } invalid ? invalid : updated;
        }, cancellationToken);

        if (outcome.TryGetValue(out var changed, out _) && patch.Acl is not null && Describe(changed.Acl) is var aclAfter && aclAfter != aclBefore)
        {
            audit.Record(audit.Event(AuditActions.Acl, caller) with { DocumentId = changed.Id, Detail = $"{Shortened(aclBefore)} -> {Shortened(aclAfter)}" });
        }

        return outcome;
    }

    /// <summary>Longest description of one ACL the audit trail keeps: a list of thousands of entries must not bloat every event.</summary>
    internal const int MaxAclDescription = 1000;

    private static string? Shortened(string? description) =>
        description is { Length: > MaxAclDescription } ? description[..MaxAclDescription] + "…" : description;

    /// <summary>An ACL as one line for the audit trail, e.g. <c>principal bob: view,edit; group team: view</c>.</summary>
    private static string Describe(IReadOnlyList<AclEntry> acl) =>
        acl.Count == 0
            ? "(none)"
            : string.Join("; ", acl.Select(e => $"{(e.Principal is not null ? "principal " + e.Principal : "group " + e.Group)}: {string.Join(',', e.Permissions)}"));

    /// <summary>Soft-deletes the document; with <paramref name="purge"/> also drops its versions and the bytes no one else uses.</summary>
    public async Task<Outcome<Document>> DeleteAsync(Caller caller, string id, bool purge, CancellationToken cancellationToken)
    {
        var deletedNow = false;
        var deleted = await ChangeAsync(caller, id, Permissions.Delete, document =>
        {
            deletedNow = !document.IsDeleted;
            return deletedNow ? document with { Deleted = time.GetUtcNow(), Modified = time.GetUtcNow() } : document;
        }, cancellationToken);
        if (deleted.Succeeded && (deletedNow || purge))
        {
            audit.Record(audit.Event(AuditActions.Delete, caller) with { DocumentId = deleted.Value.Id, Detail = purge ? "document, purged" : "document" });
        }

        if (deleted.Succeeded && purge)
        {
            // The delete has landed; its purge must not be lost to a client that stops waiting.
            await janitor.PurgeDocumentAsync(id, CancellationToken.None);
        }

        return deleted;
    }

    /// <summary>
    /// Reads the document, applies <paramref name="change"/> and writes the result only if nobody wrote in between;
    /// otherwise reads again and re-applies, so concurrent changes are never lost. A change that returns the document
    /// it was given writes nothing.
    /// </summary>
    private async Task<Outcome<Document>> ChangeAsync(
        Caller caller, string id, string permission, Func<Document, Outcome<Document>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var found = await FindAsync(caller, id, permission, cancellationToken);
            if (!found.TryGetValue(out var document, out var failure))
            {
                return failure;
            }

            var changed = change(document);
            if (!changed.TryGetValue(out var updated, out failure))
            {
                return failure;
            }

            if (ReferenceEquals(updated, document))
            {
                return document;
            }

            if (await metadata.UpdateDocumentAsync(updated, cancellationToken))
            {
                return updated with { Revision = updated.Revision + 1 };
            }
        }

        return new Failure.Conflict($"Document '{id}' kept changing while this request tried to change it; try again.");
    }

    public async Task<Outcome<DocumentPage>> ListAsync(Caller caller, DocumentQuery query, CancellationToken cancellationToken)
    {
        if (query.Limit is < 1 or > MaxPageSize)
        {
            return new Failure.Invalid($"limit must be between 1 and {MaxPageSize}.", "limit");
        }

        if (query.After is not null && !Ids.IsValidId(query.After))
        {
            return new Failure.Invalid("The cursor is not valid.", "cursor");
        }

        var includeDeleted = query.IncludeDeleted && caller.IsAdmin;
        var items = new List<Document>();
        var after = query.After;
        while (true)
        {
            var batch = await metadata.ListDocumentsAsync(
                query with { IncludeDeleted = includeDeleted, After = after, Limit = query.Limit + 1 }, cancellationToken);
            foreach (var document in batch)
            {
                after = document.Id;
                if (AccessControl.Check(caller, document, Permissions.View) is not null)
                {
                    continue;
                }

                // Only a further visible document earns a cursor, so the last page the caller can see ends with null.
                if (items.Count == query.Limit)
                {
                    return new DocumentPage(items, items[^1].Id);
                }

                items.Add(document);
            }

            if (batch.Count <= query.Limit)
            {
                return new DocumentPage(items, null);
            }
        }
    }

    /// <summary>The document when the caller holds the permission; a refusal is audited (naming <paramref name="fileId"/> when a file was asked for).</summary>
    internal async Task<Outcome<Document>> FindAsync(
        Caller caller, string id, string permission, CancellationToken cancellationToken, string? fileId = null)
    {
        if (!Ids.IsValidId(id))
        {
            return InvalidId(id);
        }

        var document = await metadata.FindDocumentAsync(id, cancellationToken);
        if (document is null)
        {
            return AccessControl.NotFound(id);
        }

        if (AccessControl.Check(caller, document, permission) is not { } denied)
        {
            return document;
        }

        // A deleted document is gone for everyone but admins: not a refusal of this caller in particular.
        if (!document.IsDeleted)
        {
            audit.Denied(caller, permission, denied, document.Id, fileId);
        }

        return denied;
    }

    private static Failure.Invalid InvalidId(string id) =>
        new Failure.Invalid($"'{(id.Length > 40 ? id[..40] + "…" : id)}' is not a valid document id: use 1 to {Ids.MaxIdLength} letters, digits, '.', '_', '~' or '-'.", "id");
}
