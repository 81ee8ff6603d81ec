using Amazon.S3;
using Attache.Core.Cluster;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Storage.Blobs;
using Attache.Storage.Blobs.S3;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attache.Storage.Tests.Blobs;

/// <summary>
/// The start-up sweep of blobs no row refers to (bytes committed just before a crash), on the SQLite stores with each
/// blob adapter: it removes exactly those, and keeps the bytes of versions and renditions.
/// </summary>
public sealed class OrphanSweepTests : IAsyncLifetime
{
    private const string Bucket = "attache-storage-tests";

    private readonly TempDatabase _temp = new();
    private readonly TempFolder _folder = new();
    private readonly string _prefix = S3TestService.NewPrefix("orphan-sweep");
    private readonly SqliteMetadataStore _metadata;
    private readonly SqliteRenditionStore _renditions;
    private AmazonS3Client? _s3Client;
    private S3BlobStore? _s3;

    public OrphanSweepTests()
    {
        _metadata = new SqliteMetadataStore(_temp.Database, NullLogger<SqliteMetadataStore>.Instance);
        _renditions = new SqliteRenditionStore(_temp.Database);
    }

    public static TheoryData<string> Adapters => ["filesystem", "s3"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _metadata.InitializeAsync(Token);

    public async ValueTask DisposeAsync()
    {
        if (_s3Client is not null)
        {
            await S3TestService.PurgeAsync(_s3Client, Bucket, _prefix);
            _s3Client.Dispose();
        }

        _s3?.Dispose();
        _temp.Dispose();
        _folder.Dispose();
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task The_sweep_removes_blobs_no_version_or_rendition_refers_to_and_keeps_the_others(string adapter)
    {
        var blobs = await BlobsAsync(adapter);
        var janitor = new BlobJanitor(_metadata, blobs, _renditions, new ProcessLocks());
        var ofVersion = await CommitAsync(blobs, "bytes of a version");
        var ofRendition = await CommitAsync(blobs, "bytes of a rendition");
        var orphan = await CommitAsync(blobs, "bytes whose version a crash never recorded");
        var emptyOrphan = await CommitAsync(blobs, "");
        await BlobRows.RecordAsync(_metadata, ofVersion, Token);
        await _renditions.AddAsync(new Rendition
        {
            Key = new RenditionKey("1", 1, "pdf", "", "v"), DocumentId = "doc", Size = ofRendition.Size, Sha256 = ofRendition.Sha256,
            Md5 = ofRendition.Md5, Created = DateTimeOffset.UnixEpoch,
        }, Token);

        var removed = await janitor.SweepOrphansAsync((IBlobInventory)blobs, Token);

        Assert.Equal(2, removed);
        Assert.True(await blobs.ExistsAsync(ofVersion.Sha256, Token));
        Assert.True(await blobs.ExistsAsync(ofRendition.Sha256, Token));
        Assert.False(await blobs.ExistsAsync(orphan.Sha256, Token));
        Assert.False(await blobs.ExistsAsync(emptyOrphan.Sha256, Token));
        Assert.Equal(0, await janitor.SweepOrphansAsync((IBlobInventory)blobs, Token));
    }

    [Fact]
    public async Task A_sweep_waits_for_a_commit_in_progress_and_keeps_the_bytes_it_records()
    {
        var blobs = await BlobsAsync("filesystem");
        var janitor = new BlobJanitor(_metadata, blobs, _renditions, new ProcessLocks());
        var staged = (await blobs.StageAsync(new MemoryStream("bytes being recorded"u8.ToArray()), 1000, Token)).Value;
        var recording = new TaskCompletionSource();
        var mayRecord = new TaskCompletionSource();
        var upload = janitor.CommitAsync<bool>(staged, async () =>
        {
            recording.SetResult();
            await mayRecord.Task;
            await BlobRows.RecordAsync(_metadata, staged, Token);
            return true;
        }, Token);
        await recording.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);

        // Committed but not yet recorded: unreferenced at this instant, and the sweep must not take it.
        var sweep = janitor.SweepOrphansAsync((IBlobInventory)blobs, Token);
        await Task.Delay(300, Token);
        Assert.False(sweep.IsCompleted);
        mayRecord.SetResult();
        Assert.True((await upload).Value);

        Assert.Equal(0, await sweep.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.True(await blobs.ExistsAsync(staged.Sha256, Token));
        await staged.DisposeAsync();
    }

    private async Task<IBlobStore> BlobsAsync(string adapter)
    {
        if (adapter == "filesystem")
        {
            return new FileSystemBlobStore(Path.Combine(_folder.Path, "blobs"), NullLogger<FileSystemBlobStore>.Instance);
        }

        Assert.SkipUnless(S3TestService.IsConfigured, S3TestService.SkipReason);
        _s3Client = S3TestService.CreateClient();
        _s3 = new S3BlobStore(S3TestService.Options(Bucket, _prefix), TimeProvider.System, NullLogger<S3BlobStore>.Instance);
        // Creates the bucket when this test is the first to use it.
        await _s3.InitializeAsync(Token);
        return _s3;
    }

    private static async Task<StagedBlob> CommitAsync(IBlobStore blobs, string text)
    {
        await using var staged = (await blobs.StageAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), 1000, Token)).Value;
        await staged.CommitAsync(Token);
        return staged;
    }
}
