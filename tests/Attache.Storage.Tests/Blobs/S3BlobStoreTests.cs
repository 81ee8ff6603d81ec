using System.Net;
using System.Net.Http.Headers;
using Amazon.S3;
using Attache.Core;
using Attache.Core.Ports;
using Attache.Storage.Blobs.S3;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attache.Storage.Tests.Blobs;

/// <summary>
/// The blob contract and the S3 adapter's own promises, against a real S3 service (see <see cref="S3TestService"/>).
/// Each test works under a prefix of its own in this class's bucket and removes it afterwards.
/// </summary>
public sealed class S3BlobStoreTests : BlobStoreContract, IAsyncLifetime
{
    private const string Bucket = "attache-storage-tests";
    private const int PartSize = 5 * 1024 * 1024;

    private readonly string _prefix = S3TestService.NewPrefix("blob-store");
    private readonly List<S3BlobStore> _stores = [];
    private AmazonS3Client? _client;
    private S3BlobStore? _store;

    protected override IBlobStore Store => S3Store;

    private S3BlobStore S3Store
    {
        get
        {
            Assert.SkipUnless(S3TestService.IsConfigured, S3TestService.SkipReason);
            return _store!;
        }
    }

    private AmazonS3Client Client => _client!;

    public async ValueTask InitializeAsync()
    {
        if (!S3TestService.IsConfigured)
        {
            return;
        }

        _client = S3TestService.CreateClient();
        _store = CreateStore(options => options.PartSizeBytes = PartSize);
        await _store.InitializeAsync(Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await S3TestService.PurgeAsync(_client, Bucket, _prefix);
            _client.Dispose();
        }

        foreach (var store in _stores)
        {
            store.Dispose();
        }
    }

    protected override async Task<int> CountStoredObjectsAsync() =>
        (await S3TestService.ObjectKeysAsync(Client, Bucket, _prefix, Token)).Count
        + (await S3TestService.OpenUploadsAsync(Client, Bucket, _prefix, Token)).Count;

    [Fact]
    public async Task A_blob_of_more_than_two_parts_goes_up_as_one_multipart_upload_seen_only_after_commit()
    {
        var content = Bytes(2 * PartSize + 12_345, seed: 21);

        await using var staged = (await S3Store.StageAsync(new MemoryStream(content), NoLimit, Token)).Value;

        var upload = Assert.Single(await S3TestService.OpenUploadsAsync(Client, Bucket, _prefix, Token));
        Assert.StartsWith(S3Store.StagingPrefix, upload.Key, StringComparison.Ordinal);
        var parts = await Client.ListPartsAsync(Bucket, upload.Key, upload.UploadId, Token);
        Assert.Equal([PartSize, PartSize, 12_345L], parts.Parts.Select(p => p.Size ?? -1));
        Assert.Empty(await S3TestService.ObjectKeysAsync(Client, Bucket, _prefix, Token));

        await staged.CommitAsync(Token);

        Assert.Equal([S3Store.ObjectKey(staged.Sha256)], await S3TestService.ObjectKeysAsync(Client, Bucket, _prefix, Token));
        Assert.Empty(await S3TestService.OpenUploadsAsync(Client, Bucket, _prefix, Token));
        Assert.Equal(content, await ReadAllAsync(staged.Sha256, 0, content.Length));
        var head = await Client.GetObjectMetadataAsync(Bucket, S3Store.ObjectKey(staged.Sha256), Token);
        Assert.Equal(staged.Sha256, head.Metadata["sha256"]);
    }

    [Fact]
    public async Task Disposing_a_multipart_upload_aborts_it_and_leaves_no_object()
    {
        var staged = (await S3Store.StageAsync(new MemoryStream(Bytes(PartSize + 1, seed: 22)), NoLimit, Token)).Value;
        Assert.Single(await S3TestService.OpenUploadsAsync(Client, Bucket, _prefix, Token));

        await staged.DisposeAsync();

        Assert.Empty(await S3TestService.OpenUploadsAsync(Client, Bucket, _prefix, Token));
        Assert.Empty(await S3TestService.ObjectKeysAsync(Client, Bucket, _prefix, Token));
        Assert.False(await S3Store.ExistsAsync(staged.Sha256, Token));
    }

    [Fact]
    public async Task A_client_that_goes_away_after_some_parts_leaves_no_upload_behind()
    {
        var error = await Assert.ThrowsAsync<IOException>(
            () => S3Store.StageAsync(new BrokenAfter(Bytes(3 * PartSize, seed: 23), 2 * PartSize + 100), NoLimit, Token));

        Assert.Equal(BrokenAfter.Message, error.Message);
        Assert.Equal(0, await CountStoredObjectsAsync());
    }

    [Fact]
    public async Task Going_over_the_limit_after_some_parts_answers_too_large_and_leaves_no_upload_behind()
    {
        var outcome = await S3Store.StageAsync(new MemoryStream(Bytes(3 * PartSize, seed: 24)), PartSize + 10, Token);

        Assert.IsType<Failure.TooLarge>(outcome.Failure);
        Assert.Equal(0, await CountStoredObjectsAsync());
    }

    [Fact]
    public async Task A_blob_larger_than_the_single_copy_limit_is_copied_part_by_part()
    {
        var store = CreateStore(options => options.PartSizeBytes = PartSize, singleCopyLimit: PartSize);
        var content = Bytes(2 * PartSize + 7, seed: 25);

        await using var staged = (await store.StageAsync(new MemoryStream(content), NoLimit, Token)).Value;
        await staged.CommitAsync(Token);

        Assert.Equal(content, await ReadAllAsync(staged.Sha256, 0, content.Length));
        Assert.Equal(content[(PartSize - 3)..(PartSize + 3)], await ReadAllAsync(staged.Sha256, PartSize - 3, 6));
        Assert.Equal(1, await CountStoredObjectsAsync());
    }

    [Fact]
    public async Task A_range_reaching_past_the_end_of_the_blob_is_refused()
    {
        var key = await StoreAsync(Bytes(1000, seed: 26));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenReadAsync(key, 990, 11, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenReadAsync(key, 1000, 1, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenReadAsync(key, 1001, 0, Token));
    }

    [Fact]
    public async Task A_ranged_read_fetches_only_its_range_from_the_service()
    {
        var content = Bytes(3 * PartSize, seed: 27);
        var key = await StoreAsync(content);

        await using var stream = await Store.OpenReadAsync(key, 2 * PartSize - 10, 20, Token);

        Assert.NotNull(stream);
        var first = new byte[20];
        await stream.ReadExactlyAsync(first, Token);
        Assert.Equal(content[(2 * PartSize - 10)..(2 * PartSize + 10)], first);
        Assert.Equal(0, await stream.ReadAsync(new byte[1], Token));
    }

    [Fact]
    public async Task Start_creates_a_missing_bucket_and_starting_again_keeps_it()
    {
        var bucket = $"attache-created-{Guid.NewGuid():N}"[..40];
        var store = CreateStore(options => options.Bucket = bucket);
        try
        {
            await store.InitializeAsync(Token);
            await store.InitializeAsync(Token);
            var key = await StoreIn(store, Bytes(10, seed: 28));

            Assert.True(await store.ExistsAsync(key, Token));
        }
        finally
        {
            await S3TestService.PurgeAsync(Client, bucket, "");
            await Client.DeleteBucketAsync(bucket, Token);
        }
    }

    [Fact]
    public async Task The_start_sweep_removes_abandoned_uploads_but_not_recent_ones()
    {
        await using var multipart = (await S3Store.StageAsync(new MemoryStream(Bytes(PartSize + 1, seed: 29)), NoLimit, Token)).Value;
        await using var single = (await S3Store.StageAsync(new MemoryStream(Bytes(100, seed: 30)), NoLimit, Token)).Value;
        var committed = await StoreAsync(Bytes(50, seed: 31));

        Assert.Equal(0, await S3Store.SweepStagingAsync(TimeProvider.System.GetUtcNow().AddHours(-1), Token));
        Assert.Equal(3, await CountStoredObjectsAsync());

        Assert.Equal(2, await S3Store.SweepStagingAsync(TimeProvider.System.GetUtcNow().AddMinutes(1), Token));

        Assert.Equal(1, await CountStoredObjectsAsync());
        Assert.True(await Store.ExistsAsync(committed, Token));
    }

    [Fact]
    public async Task A_presigned_url_answers_with_the_exact_headers_asked_for()
    {
        var store = CreateStore(options => options.PresignedRedirect = true);
        var content = Bytes(70_000, seed: 32);
        var key = await StoreIn(store, content);
        var headers = new BlobResponseHeaders(
            "text/plain; charset=utf-8",
            "attachment; filename=\"r_sum_ 1;2.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201%3B2.txt",
            "private, no-cache");

        var url = await store.TryCreateDownloadUrlAsync(key, headers, Token);

        Assert.NotNull(url);
        using var http = new HttpClient();
        using (var response = await http.GetAsync(url, Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(headers.ContentType, response.Content.Headers.ContentType?.ToString());
            Assert.Equal(headers.ContentDisposition, string.Join(", ", response.Content.Headers.GetValues("Content-Disposition")));
            Assert.Equal(headers.CacheControl, response.Headers.NonValidated["Cache-Control"].ToString());
            Assert.Equal(content, await response.Content.ReadAsByteArrayAsync(Token));
        }

        using var ranged = new HttpRequestMessage(HttpMethod.Get, url);
        ranged.Headers.Range = new RangeHeaderValue(100, 199);
        using (var response = await http.SendAsync(ranged, Token))
        {
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal(content[100..200], await response.Content.ReadAsByteArrayAsync(Token));
        }

        var tampered = new Uri(url.AbsoluteUri.Replace("text%2Fplain", "text%2Fhtml", StringComparison.Ordinal));
        using (var response = await http.GetAsync(tampered, Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    [Fact]
    public async Task Without_presigned_redirects_configured_no_url_is_made()
    {
        var key = await StoreAsync(Bytes(10, seed: 33));

        Assert.Null(await S3Store.TryCreateDownloadUrlAsync(key, new BlobResponseHeaders("text/plain", "inline", "no-cache"), Token));
    }

    private S3BlobStore CreateStore(Action<S3BlobStorageOptions> configure, long singleCopyLimit = S3BlobStore.MaxSingleCopyBytes)
    {
        Assert.SkipUnless(S3TestService.IsConfigured, S3TestService.SkipReason);
        var options = S3TestService.Options(Bucket, _prefix);
        configure(options);
        var store = new S3BlobStore(options, TimeProvider.System, NullLogger<S3BlobStore>.Instance) { SingleCopyLimit = singleCopyLimit };
        _stores.Add(store);
        return store;
    }

    private static async Task<string> StoreIn(S3BlobStore store, byte[] content)
    {
        await using var staged = (await store.StageAsync(new MemoryStream(content), NoLimit, Token)).Value;
        await staged.CommitAsync(Token);
        return staged.Sha256;
    }

    /// <summary>A client that goes away after some bytes.</summary>
    private sealed class BrokenAfter(byte[] content, int failAfter) : MemoryStream(content)
    {
        public const string Message = "The client went away.";

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= failAfter
                ? throw new IOException(Message)
                : await base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, failAfter - Position)], cancellationToken);
    }
}
