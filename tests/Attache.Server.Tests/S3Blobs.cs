using Attache.Storage.Tests.Blobs;

namespace Attache.Server.Tests;

/// <summary>
/// Blobs of one <see cref="AttacheApp"/> in the S3 test service, under a prefix of their own that is removed with the app.
/// <c>ATTACHE_TEST_STORAGE</c> containing <c>s3</c> gives every app S3 blobs, so the whole suite runs on them.
/// </summary>
internal sealed class S3Blobs : IAsyncDisposable
{
    public const string Bucket = "attache-server-tests";
    public const string SwitchVariable = "ATTACHE_TEST_STORAGE";

    /// <summary>The smallest part S3 allows: content up to it is sent as one object once it has all arrived.</summary>
    public const int PartSize = 5 * 1024 * 1024;

    private readonly Amazon.S3.AmazonS3Client _client = S3TestService.CreateClient();

    public S3Blobs()
    {
        if (!S3TestService.IsConfigured)
        {
            throw new InvalidOperationException($"{SwitchVariable} asks for S3 blobs, but: {S3TestService.SkipReason}");
        }
    }

    /// <summary>Whether <c>ATTACHE_TEST_STORAGE</c> asks for S3 blobs.</summary>
    public static bool Requested =>
        (Environment.GetEnvironmentVariable(SwitchVariable) ?? "").Split(',').Contains("s3", StringComparer.OrdinalIgnoreCase);

    public string Prefix { get; } = S3TestService.NewPrefix("server");

    public Dictionary<string, string?> Settings(bool presignedRedirect = false)
    {
        var options = S3TestService.Options(Bucket, Prefix);
        return new Dictionary<string, string?>
        {
            ["Attache:Blobs:Provider"] = "S3",
            ["Attache:Blobs:S3:ServiceUrl"] = options.ServiceUrl,
            ["Attache:Blobs:S3:AccessKey"] = options.AccessKey,
            ["Attache:Blobs:S3:SecretKey"] = options.SecretKey,
            ["Attache:Blobs:S3:Bucket"] = options.Bucket,
            ["Attache:Blobs:S3:Prefix"] = options.Prefix,
            ["Attache:Blobs:S3:ForcePathStyle"] = "true",
            ["Attache:Blobs:S3:RequestChecksumCalculation"] = options.RequestChecksumCalculation,
            ["Attache:Blobs:S3:PartSizeBytes"] = PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Attache:Blobs:S3:PresignedRedirect"] = presignedRedirect ? "true" : "false",
        };
    }

    /// <summary>The keys of every object and unfinished upload under the prefix, staging ones included.</summary>
    public async Task<List<string>> KeysAsync()
    {
        var keys = await S3TestService.ObjectKeysAsync(_client, Bucket, Prefix, CancellationToken.None);
        keys.AddRange((await S3TestService.OpenUploadsAsync(_client, Bucket, Prefix, CancellationToken.None)).Select(u => u.Key));
        return keys;
    }

    // Test assertions read the store synchronously, as they read the blob folder; a listing of one prefix is quick.
#pragma warning disable VSTHRD002
    public IEnumerable<string> Keys() => Task.Run(KeysAsync).GetAwaiter().GetResult();
#pragma warning restore VSTHRD002

    /// <summary>Puts other bytes under a blob's key, as damage in the service would.</summary>
    public async Task ReplaceAsync(string sha256, byte[] bytes) =>
        await _client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
        {
            BucketName = Bucket,
            Key = $"{Prefix}blobs/{sha256}",
            InputStream = new MemoryStream(bytes),
        });

    /// <summary>Deletes every object under the prefix, as a store that lost its bytes would.</summary>
    public Task PurgeAsync() => S3TestService.PurgeAsync(_client, Bucket, Prefix);

    public async ValueTask DisposeAsync()
    {
        await S3TestService.PurgeAsync(_client, Bucket, Prefix);
        _client.Dispose();
    }
}
