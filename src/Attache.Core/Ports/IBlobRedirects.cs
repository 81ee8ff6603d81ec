namespace Attache.Core.Ports;

/// <summary>
/// Implemented by a blob store whose blobs a client can fetch from the store itself, by a signed URL that expires, so
/// that the bytes of a download need not pass through the server.
/// </summary>
public interface IBlobRedirects
{
    /// <summary>
    /// A URL that answers a GET for the blob with exactly <paramref name="headers"/>; null when the store is configured
    /// not to hand out such URLs.
    /// </summary>
    Task<Uri?> TryCreateDownloadUrlAsync(string key, BlobResponseHeaders headers, CancellationToken cancellationToken);
}

/// <summary>The response headers a redirected download must carry, as the server itself would have written them.</summary>
public sealed record BlobResponseHeaders(string ContentType, string ContentDisposition, string CacheControl);
