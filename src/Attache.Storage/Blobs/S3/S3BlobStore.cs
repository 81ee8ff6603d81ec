using System.Buffers;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Attache.Core;
using Attache.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Attache.Storage.Blobs.S3;

/// <summary>
/// Blobs as objects <c>prefix/blobs/&lt;sha256&gt;</c> of an S3 bucket. An upload is streamed, one part buffer at a time,
/// into a multipart upload under <c>prefix/staging/&lt;random&gt;</c> while it is hashed; committing completes that upload
/// and copies it, inside the service, under its content key. S3 keys cannot be renamed and the content key is known only
/// after the last byte, hence the copy.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IBlobRedirects, IBlobInventory, IDisposable
{
    /// <summary>The largest object a single CopyObject may copy; larger ones are copied part by part.</summary>
    internal const long MaxSingleCopyBytes = 5L * 1024 * 1024 * 1024;

    private const int MaxParts = 10_000;

    private readonly S3BlobStorageOptions _options;
    private readonly AmazonS3Client _client;
    private readonly AmazonS3Client _presigner;
    private readonly TimeProvider _time;
    private readonly ILogger<S3BlobStore> _logger;
    private readonly string _blobPrefix;
    private readonly string _stagingPrefix;

    public S3BlobStore(S3BlobStorageOptions options, TimeProvider time, ILogger<S3BlobStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = options;
        _time = time;
        _logger = logger;
        var prefix = options.Prefix.Length == 0 || options.Prefix.EndsWith('/') ? options.Prefix : options.Prefix + "/";
        _blobPrefix = prefix + "blobs/";
        _stagingPrefix = prefix + "staging/";
        _client = CreateClient(options, options.ServiceUrl);
        _presigner = string.IsNullOrWhiteSpace(options.PublicServiceUrl) ? _client : CreateClient(options, options.PublicServiceUrl);
    }

    public string Bucket => _options.Bucket;

    /// <summary>Objects larger than this are copied at commit with UploadPartCopy; only tests lower it.</summary>
    internal long SingleCopyLimit { get; init; } = MaxSingleCopyBytes;

    /// <summary>The client this store talks through, for tests that look at the bucket directly.</summary>
    internal IAmazonS3 Client => _client;

    internal string StagingPrefix => _stagingPrefix;

    internal string ObjectKey(string key) => _blobPrefix + ValidKey(key);

    public async Task<Outcome<StagedBlob>> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var upload = new StagingUpload(this, _stagingPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        long size = 0;
        try
        {
            for (var partNumber = 1; ; partNumber++)
            {
                var partSize = PartSize(partNumber);
                var buffer = ArrayPool<byte>.Shared.Rent(partSize);
                try
                {
                    var filled = 0;
                    int read;
                    while (filled < partSize && (read = await content.ReadAsync(buffer.AsMemory(filled, partSize - filled), cancellationToken)) > 0)
                    {
                        size += read;
                        if (size > maxBytes)
                        {
                            await upload.DiscardAsync();
                            return new Failure.TooLarge($"The content is larger than the limit of {maxBytes} bytes.", maxBytes);
                        }

                        sha256.AppendData(buffer, filled, read);
                        md5.AppendData(buffer, filled, read);
                        filled += read;
                    }

                    var last = filled < partSize;
                    await upload.WriteAsync(partNumber, buffer.AsMemory(0, filled), last, cancellationToken);
                    if (last)
                    {
                        break;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch
        {
            await upload.DiscardAsync();
            throw;
        }

        return new S3StagedBlob(upload)
        {
            Size = size,
            Sha256 = Convert.ToHexStringLower(sha256.GetHashAndReset()),
            Md5 = Convert.ToHexStringLower(md5.GetHashAndReset()),
        };
    }

    public async Task<Stream?> OpenReadAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var objectKey = ObjectKey(key);
        if (length == 0)
        {
            var size = await SizeOfAsync(objectKey, cancellationToken);
            if (size is null)
            {
                return null;
            }

            return offset <= size ? Stream.Null : throw OutsideBlob(key, offset, length, size.Value);
        }

        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _options.Bucket,
                Key = objectKey,
                ByteRange = new ByteRange(offset, offset + length - 1),
            }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            throw OutsideBlob(key, offset, length, await SizeOfAsync(objectKey, cancellationToken) ?? 0);
        }

        // A range reaching past the end comes back shorter rather than refused.
        if (response.ContentLength != length)
        {
            var total = TotalLength(response);
            response.Dispose();
            throw OutsideBlob(key, offset, length, total);
        }

        return new RangeStream(response, length);
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        await SizeOfAsync(ObjectKey(key), cancellationToken) is not null;

    public async Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        await _client.DeleteObjectAsync(_options.Bucket, ObjectKey(key), cancellationToken);

    public async IAsyncEnumerable<string> ListKeysAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _blobPrefix };
        while (true)
        {
            var page = await _client.ListObjectsV2Async(request, cancellationToken);
            foreach (var stored in page.S3Objects ?? [])
            {
                var key = stored.Key[_blobPrefix.Length..];
                if (key is { Length: 64 } && key.All(char.IsAsciiHexDigitLower))
                {
                    yield return key;
                }
            }

            if (page.IsTruncated != true)
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public string? TryGetLocalPath(string key)
    {
        ValidKey(key);
        return null;
    }

    public async Task<Uri?> TryCreateDownloadUrlAsync(string key, BlobResponseHeaders headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (!_options.PresignedRedirect)
        {
            return null;
        }

        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = ObjectKey(key),
            Verb = HttpVerb.GET,
            // The SDK signs with its own wall clock (X-Amz-Date), so the expiry is measured on that clock too.
            Expires = TimeProvider.System.GetUtcNow().Add(_options.PresignedUrlLifetime).UtcDateTime,
            Protocol = (_options.PublicServiceUrl ?? _options.ServiceUrl)?.StartsWith("http:", StringComparison.OrdinalIgnoreCase) == true
                ? Protocol.HTTP
                : Protocol.HTTPS,
        };
        request.ResponseHeaderOverrides.ContentType = headers.ContentType;
        request.ResponseHeaderOverrides.ContentDisposition = headers.ContentDisposition;
        request.ResponseHeaderOverrides.CacheControl = headers.CacheControl;
        cancellationToken.ThrowIfCancellationRequested();
        return new Uri(await _presigner.GetPreSignedURLAsync(request));
    }

    /// <summary>
    /// Creates the bucket when it is missing and aborts unfinished uploads, and removes staging objects, older than
    /// <see cref="S3BlobStorageOptions.AbandonedUploadAge"/>: younger ones may belong to another node still at work.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_options.CreateBucket)
        {
            await EnsureBucketAsync(cancellationToken);
        }

        var removed = await SweepStagingAsync(_time.GetUtcNow() - _options.AbandonedUploadAge, cancellationToken);
        _logger.LogInformation("S3 blob store ready: bucket {Bucket}, {Count} abandoned upload(s) removed", _options.Bucket, removed);
    }

    /// <summary>Aborts multipart uploads and deletes staging objects begun before <paramref name="before"/>.</summary>
    internal async Task<int> SweepStagingAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var removed = 0;
        var uploads = new ListMultipartUploadsRequest { BucketName = _options.Bucket, Prefix = _stagingPrefix };
        while (true)
        {
            var page = await _client.ListMultipartUploadsAsync(uploads, cancellationToken);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                if (upload.Initiated is { } initiated && new DateTimeOffset(initiated.ToUniversalTime()) < before)
                {
                    await AbortQuietlyAsync(upload.Key, upload.UploadId);
                    removed++;
                }
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            uploads.KeyMarker = page.NextKeyMarker;
            uploads.UploadIdMarker = page.NextUploadIdMarker;
        }

        var objects = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _stagingPrefix };
        while (true)
        {
            var page = await _client.ListObjectsV2Async(objects, cancellationToken);
            foreach (var stale in page.S3Objects ?? [])
            {
                if (stale.LastModified is { } modified && new DateTimeOffset(modified.ToUniversalTime()) < before)
                {
                    await DeleteQuietlyAsync(stale.Key);
                    removed++;
                }
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            objects.ContinuationToken = page.NextContinuationToken;
        }

        return removed;
    }

    public void Dispose()
    {
        if (!ReferenceEquals(_presigner, _client))
        {
            _presigner.Dispose();
        }

        _client.Dispose();
    }

    private static AmazonS3Client CreateClient(S3BlobStorageOptions options, string? serviceUrl)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = options.RequestChecksumCalculation == "WHEN_REQUIRED"
                ? RequestChecksumCalculation.WHEN_REQUIRED
                : RequestChecksumCalculation.WHEN_SUPPORTED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = options.RequestTimeout,
        };
        if (!string.IsNullOrWhiteSpace(serviceUrl))
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region);
        }

        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    /// <summary>
    /// The configured size for the first thousand parts, then doubling every thousand, so that the 10,000 parts S3
    /// allows reach far beyond any upload limit while small uploads keep a small buffer.
    /// </summary>
    private int PartSize(int partNumber)
    {
        if (partNumber > MaxParts)
        {
            throw new IOException($"The upload needs more than the {MaxParts} parts S3 allows.");
        }

        var size = _options.PartSizeBytes << ((partNumber - 1) / 1000);
        return (int)Math.Min(size, S3BlobStorageOptions.MaxPartSizeBytes);
    }

    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        // Asked first, so that credentials allowed to use the bucket but not to create buckets still start.
        if (await Amazon.S3.Util.AmazonS3Util.DoesS3BucketExistV2Async(_client, _options.Bucket))
        {
            return;
        }

        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, cancellationToken);
            _logger.LogInformation("Created bucket {Bucket}", _options.Bucket);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou")
        {
        }
    }

    private async Task<long?> SizeOfAsync(string objectKey, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = await _client.GetObjectMetadataAsync(_options.Bucket, objectKey, cancellationToken);
            return metadata.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task CommitAsync(StagingUpload upload, string sha256, long size, CancellationToken cancellationToken)
    {
        await upload.CompleteAsync(cancellationToken);
        var target = ObjectKey(sha256);
        if (await SizeOfAsync(target, cancellationToken) != size)
        {
            if (size > SingleCopyLimit)
            {
                await CopyInPartsAsync(upload.Key, target, sha256, size, cancellationToken);
            }
            else
            {
                await _client.CopyObjectAsync(new CopyObjectRequest
                {
                    SourceBucket = _options.Bucket,
                    SourceKey = upload.Key,
                    DestinationBucket = _options.Bucket,
                    DestinationKey = target,
                    MetadataDirective = S3MetadataDirective.REPLACE,
                    ContentType = "application/octet-stream",
                    Metadata = { ["sha256"] = sha256 },
                }, cancellationToken);
            }

            // The metadata that will point at this blob is written only once the object is known whole.
            var stored = await SizeOfAsync(target, cancellationToken);
            if (stored != size)
            {
                throw new IOException($"Blob {sha256} holds {stored?.ToString(CultureInfo.InvariantCulture) ?? "nothing"} bytes after the copy instead of {size}.");
            }
        }

        await upload.DiscardAsync();
    }

    private async Task CopyInPartsAsync(string source, string target, string sha256, long size, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = target, ContentType = "application/octet-stream" };
        initiate.Metadata["sha256"] = sha256;
        var uploadId = (await _client.InitiateMultipartUploadAsync(initiate, cancellationToken)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            var partSize = Math.Max(SingleCopyLimit, S3BlobStorageOptions.MinPartSizeBytes);
            for (long first = 0, number = 1; first < size; first += partSize, number++)
            {
                var copied = await _client.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = _options.Bucket,
                    SourceKey = source,
                    DestinationBucket = _options.Bucket,
                    DestinationKey = target,
                    UploadId = uploadId,
                    PartNumber = (int)number,
                    FirstByte = first,
                    LastByte = Math.Min(first + partSize, size) - 1,
                }, cancellationToken);
                parts.Add(new PartETag((int)number, copied.ETag));
            }

            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _options.Bucket,
                Key = target,
                UploadId = uploadId,
                PartETags = parts,
            }, cancellationToken);
        }
        catch
        {
            await AbortQuietlyAsync(target, uploadId);
            throw;
        }
    }

    // Clean-up runs even when the request that caused it was cancelled, and a failure of it is only logged: the start-up
    // sweep removes whatever it leaves.
    private async Task AbortQuietlyAsync(string objectKey, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(_options.Bucket, objectKey, uploadId, CancellationToken.None);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
        {
            _logger.LogWarning(e, "Could not abort the multipart upload {UploadId} of {Key}", uploadId, objectKey);
        }
    }

    private async Task DeleteQuietlyAsync(string objectKey)
    {
        try
        {
            await _client.DeleteObjectAsync(_options.Bucket, objectKey, CancellationToken.None);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
        {
            _logger.LogWarning(e, "Could not delete the staging object {Key}", objectKey);
        }
    }

    private static long TotalLength(GetObjectResponse response)
    {
        var range = response.ContentRange;
        var slash = range?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(range.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : -1;
    }

    private static ArgumentOutOfRangeException OutsideBlob(string key, long offset, long length, long size) =>
        new(nameof(length), $"Bytes {offset}+{length} lie outside blob {key} of {size} bytes.");

    /// <summary>Keys are only ever server-computed hashes, so anything else is a bug.</summary>
    private static string ValidKey(string key) =>
        key is { Length: 64 } && key.All(char.IsAsciiHexDigitLower)
            ? key
            : throw new ArgumentException("A blob key is 64 lower-case hex characters.", nameof(key));

    /// <summary>
    /// The staging object of one upload: a single PutObject when the content fits one part, else a multipart upload
    /// that stays open (and invisible) until commit.
    /// </summary>
    private sealed class StagingUpload(S3BlobStore store, string key)
    {
        private readonly List<PartETag> _parts = [];
        private string? _uploadId;
        private bool _objectWritten;

        public string Key => key;

        public S3BlobStore Store => store;

        public async Task WriteAsync(int partNumber, ReadOnlyMemory<byte> bytes, bool last, CancellationToken cancellationToken)
        {
            if (partNumber == 1 && last)
            {
                await store._client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = store._options.Bucket,
                    Key = key,
                    InputStream = AsStream(bytes),
                    AutoCloseStream = true,
                }, cancellationToken);
                _objectWritten = true;
                return;
            }

            if (bytes.Length == 0)
            {
                return;
            }

            _uploadId ??= (await store._client.InitiateMultipartUploadAsync(store._options.Bucket, key, cancellationToken)).UploadId;
            var part = await store._client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = store._options.Bucket,
                Key = key,
                UploadId = _uploadId,
                PartNumber = partNumber,
                PartSize = bytes.Length,
                InputStream = AsStream(bytes),
            }, cancellationToken);
            _parts.Add(new PartETag(partNumber, part.ETag));
        }

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            if (_uploadId is null)
            {
                return;
            }

            await store._client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = store._options.Bucket,
                Key = key,
                UploadId = _uploadId,
                PartETags = _parts,
            }, cancellationToken);
            _uploadId = null;
            _objectWritten = true;
        }

        public async Task DiscardAsync()
        {
            if (_uploadId is { } uploadId)
            {
                _uploadId = null;
                await store.AbortQuietlyAsync(key, uploadId);
            }

            if (_objectWritten)
            {
                _objectWritten = false;
                await store.DeleteQuietlyAsync(key);
            }
        }

        private static MemoryStream AsStream(ReadOnlyMemory<byte> bytes) =>
            System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(bytes.ToArray(), writable: false);
    }

    private sealed class S3StagedBlob(StagingUpload upload) : StagedBlob
    {
        private bool _done;

        public override async Task CommitAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            await upload.Store.CommitAsync(upload, Sha256, Size, cancellationToken);
            _done = true;
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_done)
            {
                _done = true;
                await upload.DiscardAsync();
            }
        }
    }

    /// <summary>The body of a ranged GET, of a known length; disposing it closes the response.</summary>
    private sealed class RangeStream(GetObjectResponse response, long length) : Stream
    {
        private readonly Stream _body = response.ResponseStream;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(_body.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await _body.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                response.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            _position += read;
            return read;
        }
    }
}
