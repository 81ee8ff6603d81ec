using Attache.Core.Audit;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Microsoft.Extensions.Logging;

namespace Attache.Core.Import;

/// <summary>
/// Loads a manifest (DESIGN §4) idempotently: the same ids update in place, equal documents and files are left alone,
/// and changed bytes become a new version. Bytes are staged and committed first; then all metadata is written in one
/// transaction, so a failed import leaves nothing behind.
/// </summary>
public sealed class ImportService(
    IMetadataStore metadata,
    IPrincipalStore principals,
    Credentials credentials,
    IBlobStore blobs,
    BlobJanitor janitor,
    UploadLimits limits,
    AuditTrail audit,
    TimeProvider time,
    ILogger<ImportService> logger)
{
    /// <summary>The largest manifest read, in bytes; <c>path</c> contents do not count.</summary>
    public const long MaxManifestBytes = 64L * 1024 * 1024;

    internal IMetadataStore Metadata => metadata;

    internal IPrincipalStore Principals => principals;

    internal Credentials Credentials => credentials;

    internal IBlobStore Blobs => blobs;

    internal BlobJanitor Janitor => janitor;

    internal UploadLimits Limits => limits;

    internal TimeProvider Time => time;

    internal ILogger Logger => logger;

    /// <summary>Null when the caller may import; only administrators may. A refusal is audited.</summary>
    public Failure? Authorize(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsAdmin)
        {
            return null;
        }

        var denied = new Failure.Forbidden("Only an administrator may import a manifest.");
        audit.Denied(caller, "import", denied);
        return denied;
    }

    /// <summary>
    /// Reads and checks the whole manifest, against the store too, before any byte is staged. The session collects the
    /// <c>path</c> contents and then writes; its errors are reported, all together, by
    /// <see cref="ImportSession.CompleteAsync"/>. The caller disposes the session.
    /// </summary>
    public async Task<Outcome<ImportSession>> BeginAsync(
        Caller caller, ReadOnlyMemory<byte> manifest, ImportOptions options, CancellationToken cancellationToken)
    {
        if (Authorize(caller) is { } denied)
        {
            return denied;
        }

        ArgumentNullException.ThrowIfNull(options);
        var parsed = ManifestParser.Parse(manifest, caller.Name, options);
        var errors = parsed.Errors.ToList();
        if (errors.Count == 0)
        {
            errors.AddRange(await CheckAgainstStoreAsync(caller, parsed.Manifest, cancellationToken));
        }

        return new ImportSession(this, caller, parsed, errors);
    }

    /// <summary>Imports a manifest whose contents are all inline (<c>text</c> or <c>base64</c>).</summary>
    public async Task<Outcome<ImportReport>> ImportAsync(
        Caller caller, ReadOnlyMemory<byte> manifest, ImportOptions options, CancellationToken cancellationToken)
    {
        var begun = await BeginAsync(caller, manifest, options with { AllowPathContent = false }, cancellationToken);
        if (!begun.TryGetValue(out var session, out var failure))
        {
            return failure;
        }

        await using (session)
        {
            return await session.CompleteAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A file id may not move to another document, and a slot may not be taken from a file the manifest does not name;
    /// an API key, client id or e-mail may not be another principal's; the importing administrator may not disable
    /// themself or leave the admin group.
    /// </summary>
    private async Task<List<ManifestError>> CheckAgainstStoreAsync(Caller caller, ImportManifest manifest, CancellationToken cancellationToken)
    {
        var errors = new List<ManifestError>();
        foreach (var principal in manifest.Principals)
        {
            var name = principal.Input.Name!;
            if (name == caller.Name)
            {
                if (principal.Input.Groups is { } groups && !groups.Contains(PrincipalGroups.Administrators, StringComparer.Ordinal))
                {
                    errors.Add(new ManifestError(ManifestParser.Child(principal.Path, "groups"),
                        $"you may not leave the '{PrincipalGroups.Administrators}' group yourself; ask another administrator"));
                }

                if (principal.Input.Enabled == false)
                {
                    errors.Add(new ManifestError(ManifestParser.Child(principal.Path, "enabled"),
                        "you may not disable yourself; ask another administrator"));
                }
            }

            if (principal.Input.ClientId is { } clientId && await principals.FindByClientIdAsync(clientId, cancellationToken) is { } holder
                && holder.Name != name)
            {
                errors.Add(new ManifestError(ManifestParser.Child(principal.Path, "clientId"), $"client id '{clientId}' belongs to principal '{holder.Name}'"));
            }

            if (principal.Input.Email is { } email && await principals.FindByEmailAsync(email, cancellationToken) is { } owner
                && owner.Name != name)
            {
                errors.Add(new ManifestError(ManifestParser.Child(principal.Path, "email"), $"e-mail '{email}' belongs to principal '{owner.Name}'"));
            }

            for (var i = 0; i < principal.ApiKeys.Count; i++)
            {
                if (await principals.FindByApiKeyAsync(Credentials.Sha256Hex(principal.ApiKeys[i]), cancellationToken) is { } keyHolder
                    && keyHolder.Name != name)
                {
                    errors.Add(new ManifestError($"{ManifestParser.Child(principal.Path, "apiKeys")}[{i}]", "this API key belongs to another principal"));
                }
            }
        }

        var named = manifest.Documents.SelectMany(d => d.Files).Select(f => f.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var document in manifest.Documents)
        {
            foreach (var file in document.Files)
            {
                if (file.Id is { } id && await metadata.FindFileAsync(id, cancellationToken) is { } stored
                    && stored.DocumentId != document.Document.Id)
                {
                    errors.Add(new ManifestError(
                        ManifestParser.Child(file.Path, "id"), $"file '{id}' already belongs to document '{stored.DocumentId}'"));
                    continue;
                }

                var holder = await metadata.FindFileInSlotAsync(document.Document.Id, file.Slot, file.Index, cancellationToken);
                if (file.Id is not null && holder is not null && holder.Id != file.Id && !named.Contains(holder.Id))
                {
                    errors.Add(new ManifestError(file.Path,
                        $"slot '{file.Slot}' index {file.Index} of document '{document.Document.Id}' holds file '{holder.Id}': use that id or another index"));
                }
            }
        }

        return errors;
    }
}
