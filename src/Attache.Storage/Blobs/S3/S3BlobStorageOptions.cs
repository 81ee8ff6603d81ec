namespace Attache.Storage.Blobs.S3;

/// <summary>The <c>Attache:Blobs:S3</c> section: where and how the S3 blob store keeps blobs.</summary>
public sealed class S3BlobStorageOptions
{
    public const long MinPartSizeBytes = 5L * 1024 * 1024;
    public const long MaxPartSizeBytes = 1024L * 1024 * 1024;

    /// <summary>The endpoint of an S3-compatible service; empty for AWS itself, chosen by <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The AWS region, or the region an S3-compatible service signs with (default us-east-1).</summary>
    public string? Region { get; set; }

    public string Bucket { get; set; } = "";

    /// <summary>Prepended to every object key, so that several installations can share a bucket.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>With <see cref="SecretKey"/>; both empty means the SDK's own credential chain (environment, instance role).</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>) instead of virtual-host style (<c>bucket.endpoint/key</c>).</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// <c>WHEN_SUPPORTED</c> (the SDK's default: a CRC32 trailer on every upload) or <c>WHEN_REQUIRED</c>, which
    /// services that do not understand checksum trailers, such as Ceph's radosgw 16, need.
    /// </summary>
    public string RequestChecksumCalculation { get; set; } = "WHEN_SUPPORTED";

    /// <summary>Size of the parts of a multipart upload, and so of the one buffer an upload holds in memory.</summary>
    public long PartSizeBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Creates the bucket at start when it is missing.</summary>
    public bool CreateBucket { get; set; } = true;

    /// <summary>Answers eligible downloads with a redirect to a presigned URL of the store instead of relaying the bytes.</summary>
    public bool PresignedRedirect { get; set; }

    /// <summary>How long a presigned download URL stays valid.</summary>
    public TimeSpan PresignedUrlLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The endpoint clients reach the service at, when it differs from <see cref="ServiceUrl"/>; presigned URLs are signed for it.</summary>
    public string? PublicServiceUrl { get; set; }

    /// <summary>
    /// How long one request to the service may take before it is given up (and retried by the SDK, then answered 503): a
    /// service that accepts connections but stops answering must not hold uploads and downloads forever.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Unfinished uploads older than this are aborted at start; younger ones may belong to another node still receiving them.</summary>
    public TimeSpan AbandonedUploadAge { get; set; } = TimeSpan.FromDays(1);

    internal IEnumerable<string> Validate()
    {
        const string section = "Attache:Blobs:S3";
        if (!IsBucketName(Bucket))
        {
            yield return $"{section}:Bucket must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens.";
        }

        if (Prefix.StartsWith('/') || Prefix.Contains("//", StringComparison.Ordinal))
        {
            yield return $"{section}:Prefix must not start with '/' or contain '//'.";
        }

        foreach (var (name, url) in new[] { ("ServiceUrl", ServiceUrl), ("PublicServiceUrl", PublicServiceUrl) })
        {
            if (!string.IsNullOrWhiteSpace(url) && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                yield return $"{section}:{name} must be an absolute http or https URL.";
            }
        }

        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            yield return $"{section}:AccessKey and {section}:SecretKey are set together or not at all.";
        }

        if (RequestChecksumCalculation is not ("WHEN_SUPPORTED" or "WHEN_REQUIRED"))
        {
            yield return $"{section}:RequestChecksumCalculation is WHEN_SUPPORTED or WHEN_REQUIRED.";
        }

        if (PartSizeBytes is < MinPartSizeBytes or > MaxPartSizeBytes)
        {
            yield return $"{section}:PartSizeBytes must lie between {MinPartSizeBytes} (the S3 minimum) and {MaxPartSizeBytes}.";
        }

        if (PresignedUrlLifetime <= TimeSpan.Zero || PresignedUrlLifetime > TimeSpan.FromDays(7))
        {
            yield return $"{section}:PresignedUrlLifetime must lie between zero and seven days (the SigV4 maximum).";
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            yield return $"{section}:RequestTimeout must be positive.";
        }

        if (AbandonedUploadAge <= TimeSpan.Zero)
        {
            yield return $"{section}:AbandonedUploadAge must be positive.";
        }
    }

    private static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);
}
