using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Attache.Storage.Blobs.S3;

namespace Attache.Storage.Tests.Blobs;

/// <summary>
/// The S3 service the S3 tests run against, named by environment variables (.ci/s3-up.sh starts one on loopback and
/// sets them). Without them those tests report skipped with <see cref="SkipReason"/>.
/// </summary>
public static class S3TestService
{
    public const string EndpointVariable = "ATTACHE_TEST_S3_ENDPOINT";
    public const string AccessKeyVariable = "ATTACHE_TEST_S3_ACCESS_KEY";
    public const string SecretKeyVariable = "ATTACHE_TEST_S3_SECRET_KEY";

    /// <summary>Optional: WHEN_REQUIRED (the default here, which Ceph's radosgw needs) or WHEN_SUPPORTED.</summary>
    public const string ChecksumVariable = "ATTACHE_TEST_S3_CHECKSUMS";

    public static string? Endpoint { get; } = Environment.GetEnvironmentVariable(EndpointVariable);

    private static string? AccessKey { get; } = Environment.GetEnvironmentVariable(AccessKeyVariable);

    private static string? SecretKey { get; } = Environment.GetEnvironmentVariable(SecretKeyVariable);

    public static bool IsConfigured =>
        !string.IsNullOrEmpty(Endpoint) && !string.IsNullOrEmpty(AccessKey) && !string.IsNullOrEmpty(SecretKey);

    public static string SkipReason =>
        $"No S3 service to test against: set {EndpointVariable}, {AccessKeyVariable} and {SecretKeyVariable} (.ci/s3-up.sh starts one).";

    /// <summary>A prefix no other test uses, so that each test sees only its own objects.</summary>
    public static string NewPrefix(string scope) => $"{scope}/{Guid.NewGuid():N}/";

    public static S3BlobStorageOptions Options(string bucket, string prefix) => new()
    {
        ServiceUrl = Endpoint,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        Bucket = bucket,
        Prefix = prefix,
        ForcePathStyle = true,
        RequestChecksumCalculation = Environment.GetEnvironmentVariable(ChecksumVariable) ?? "WHEN_REQUIRED",
    };

    public static AmazonS3Client CreateClient() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Endpoint,
        ForcePathStyle = true,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
    });

    /// <summary>The keys of every object under <paramref name="prefix"/>.</summary>
    public static async Task<List<string>> ObjectKeysAsync(IAmazonS3 client, string bucket, string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await client.ListObjectsV2Async(request, cancellationToken);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return keys;
    }

    /// <summary>The multipart uploads begun and neither completed nor aborted under <paramref name="prefix"/>.</summary>
    public static async Task<List<MultipartUpload>> OpenUploadsAsync(IAmazonS3 client, string bucket, string prefix, CancellationToken cancellationToken)
    {
        var uploads = new List<MultipartUpload>();
        var request = new ListMultipartUploadsRequest { BucketName = bucket, Prefix = prefix };
        ListMultipartUploadsResponse page;
        do
        {
            page = await client.ListMultipartUploadsAsync(request, cancellationToken);
            uploads.AddRange(page.MultipartUploads ?? []);
            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
        while (page.IsTruncated == true);

        return uploads;
    }

    /// <summary>Removes every object and open upload under <paramref name="prefix"/>; a missing bucket is fine.</summary>
    public static async Task PurgeAsync(IAmazonS3 client, string bucket, string prefix)
    {
        try
        {
            foreach (var upload in await OpenUploadsAsync(client, bucket, prefix, CancellationToken.None))
            {
                await client.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId);
            }

            foreach (var key in await ObjectKeysAsync(client, bucket, prefix, CancellationToken.None))
            {
                await client.DeleteObjectAsync(bucket, key);
            }
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
        }
    }
}
