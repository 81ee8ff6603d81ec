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
    string FileName);
