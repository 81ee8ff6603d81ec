using Attache.Core.Principals;

namespace Attache.Core.Downloads;

/// <summary>Everything needed to send one version of a file: which blob, how long, and what to call it.</summary>
public sealed record DownloadPlan(
    string FileId,
    int Version,
    string BlobKey,
    long Length,
    string Sha256,
    string Md5,
    DateTimeOffset LastModified,
    string MediaType,
    string FileName)
{
    /// <summary>Who the plan was resolved for, so that the download engine can audit what it actually sent; null: not audited.</summary>
    public DownloadAudit? Audit { get; init; }
}

/// <summary>
/// The audit identity of a download: the principal (null for a presigned link), the document, where the request came
/// from, and a note such as which link was used.
/// </summary>
public sealed record DownloadAudit(string? Principal, string? DocumentId, RequestOrigin? Origin, string? Detail = null)
{
    public static DownloadAudit For(Caller caller, string documentId) => new(caller.Name, documentId, caller.Origin);
}
