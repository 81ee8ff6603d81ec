using System.Globalization;
using Attache.Core.Audit;
using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Core.Links;

/// <summary>
/// Presigned links: issues a token for the version of a file that is current now, and turns a token back into that
/// version's download plan. The token alone is the credential; it is checked before anything is read.
/// </summary>
public sealed class LinkService(
    IMetadataStore metadata,
    FileService files,
    ILinkSigner signer,
    LinkLifetimes options,
    AuditTrail audit,
    TimeProvider time)
{
    /// <summary>Issues a link for a caller who may view the file, valid <paramref name="ttlSeconds"/> (or the default).</summary>
    public async Task<Outcome<IssuedLink>> IssueAsync(Caller caller, string fileId, long? ttlSeconds, CancellationToken cancellationToken)
    {
        var ttl = ttlSeconds ?? (long)options.DefaultTtl.TotalSeconds;
        var max = (long)options.MaxTtl.TotalSeconds;
        if (ttl < 1 || ttl > max)
        {
            return new Failure.Invalid($"ttlSeconds must be between 1 and {max.ToString(CultureInfo.InvariantCulture)}.", "ttlSeconds");
        }

        var found = await files.FindAsync(caller, fileId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var pair, out var failure))
        {
            return failure;
        }

        // An administrator still sees a removed file or a deleted document, but a link to it could never be used.
        var (file, document) = pair;
        if (file.IsRemoved || document.IsDeleted)
        {
            return FileService.FileNotFound(fileId);
        }

        if (file.State != UploadState.ReadyForDownloadFromServerToClient || file.CurrentVersion is not { } version)
        {
            return new Failure.NotReady($"File '{fileId}' is not ready for download: its state is {file.State}.", file.State);
        }

        if (await metadata.FindVersionAsync(file.Id, version, cancellationToken) is not { } pinned)
        {
            return FileService.FileNotFound(fileId);
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds() + ttl);
        var token = signer.Sign(new LinkClaims(file.Id, version, expires, Digest: LinkClaims.DigestOf(pinned.Sha256)));
        audit.Record(audit.Event(AuditActions.Link, caller) with
        {
            DocumentId = document.Id,
            FileId = file.Id,
            Version = version,
            Detail = "expires " + expires.ToString("O", CultureInfo.InvariantCulture),
        });
        return new IssuedLink(token, expires, document.Id, file.Id, version);
    }

    /// <summary>
    /// The plan for the version a token pins. Forbidden for anything that is not a genuine token (or one that claims a
    /// lifetime beyond <see cref="LinkLifetimes.MaxTtl"/>), Gone once it has expired, NotFound when the file was removed,
    /// its document deleted or its version purged since.
    /// </summary>
    public async Task<Outcome<DownloadPlan>> ResolveAsync(string token, RequestOrigin? origin, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (signer.Verify(token) is not { } claims || claims.Expires - now > options.MaxTtl)
        {
            return new Failure.Forbidden("The link is not valid.");
        }

        if (now >= claims.Expires)
        {
            return new Failure.Gone("The link has expired.");
        }

        var file = await metadata.FindFileAsync(claims.FileId, cancellationToken);
        var document = file is null ? null : await metadata.FindDocumentAsync(file.DocumentId, cancellationToken);
        var version = file is null || file.IsRemoved || document is null || document.IsDeleted
            ? null
            : await metadata.FindVersionAsync(file.Id, claims.Version, cancellationToken);
        // A purged version's number can be given again (a purged document restored by an import): never to this link.
        if (version is null || !claims.Matches(version.Sha256))
        {
            return new Failure.NotFound("The linked file no longer exists.");
        }

        return DownloadService.Plan(version) with
        {
            Audit = new DownloadAudit(null, document!.Id, origin,
                $"link {claims.KeyId} expiring {claims.Expires.ToString("O", CultureInfo.InvariantCulture)}"),
        };
    }
}
