using Attache.Core;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Storage.Blobs;
using Attache.Storage.Metadata.Postgres;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attache.Storage.Tests.Cluster;

/// <summary>Two nodes, each with its own handles on one PostgreSQL database, as two Attache processes would have.</summary>
public sealed class PostgresLocksTests : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    private readonly TempFolder _blobs = new();
    private TempPostgres? _temp;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private TempPostgres Temp => _temp!;

    public async ValueTask InitializeAsync()
    {
        _temp = await TempPostgres.CreateAsync();
        await _temp.OpenMigratedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_temp is not null)
        {
            await _temp.DisposeAsync();
        }

        _blobs.Dispose();
    }

    [Fact]
    public async Task A_lock_held_by_one_node_keeps_the_other_waiting_until_it_is_released()
    {
        var first = new PostgresLocks(Temp.Open());
        var second = new PostgresLocks(Temp.Open());
        var held = await first.AcquireAsync("blobs", Token);

        var waiting = second.AcquireAsync("blobs", Token);
        var other = await second.AcquireAsync("rendition 1", Token);
        await Task.Delay(Settle, Token);

        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await using (await waiting.WaitAsync(TimeSpan.FromSeconds(10), Token))
        {
            await other.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_waiter_that_gives_up_takes_nothing_and_leaves_the_lock_free()
    {
        var first = new PostgresLocks(Temp.Open());
        var second = new PostgresLocks(Temp.Open());
        var held = await first.AcquireAsync("blobs", Token);
        using var giveUp = new CancellationTokenSource(Settle);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.AcquireAsync("blobs", giveUp.Token));

        await held.DisposeAsync();
        await using (await second.AcquireAsync("blobs", Token).WaitAsync(TimeSpan.FromSeconds(10), Token))
        {
            Assert.Empty(await Temp.QueryAsync<long>("SELECT pid::bigint FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database());"));
        }
    }

    [Fact]
    public async Task A_purge_on_one_node_waits_for_an_upload_committing_on_the_other_and_keeps_its_bytes()
    {
        var blobs = new FileSystemBlobStore(_blobs.Path, NullLogger<FileSystemBlobStore>.Instance);
        var (uploader, uploaderMetadata) = Node(blobs);
        var (purger, purgerMetadata) = Node(blobs);
        var document = new Attache.Core.Documents.Document
        {
            Id = "doc", Kind = "k", Title = "t", Owner = "o", Created = DateTimeOffset.UnixEpoch, Modified = DateTimeOffset.UnixEpoch,
        };
        Assert.True(await uploaderMetadata.TryCreateDocumentAsync(document, Token));
        var staged = (await blobs.StageAsync(new MemoryStream("shared bytes"u8.ToArray()), 1000, Token)).Value;
        var recording = new TaskCompletionSource();
        var mayRecord = new TaskCompletionSource();

        var upload = uploader.CommitAsync<bool>(staged, async () =>
        {
            recording.SetResult();
            await mayRecord.Task;
            var file = new StoredFile
            {
                Id = "1", DocumentId = "doc", Slot = "s", Index = 0, FileName = "a.txt", MediaType = "text/plain", State = UploadState.Initial,
                CurrentVersion = 1, Size = staged.Size, Sha256 = staged.Sha256, Md5 = staged.Md5,
                Created = DateTimeOffset.UnixEpoch, Modified = DateTimeOffset.UnixEpoch,
            };
            var version = new FileVersion
            {
                FileId = "1", Number = 1, Size = staged.Size, Sha256 = staged.Sha256, Md5 = staged.Md5, FileName = "a.txt",
                MediaType = "text/plain", Created = DateTimeOffset.UnixEpoch,
            };
            return await uploaderMetadata.SaveFileAsync(file, version, Token);
        }, Token);
        await recording.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);

        var purge = purger.PurgeDocumentAsync("doc", Token);
        await Task.Delay(Settle, Token);
        Assert.False(purge.IsCompleted);
        mayRecord.SetResult();
        Assert.True((await upload).Value);
        await purge.WaitAsync(TimeSpan.FromSeconds(10), Token);

        // The purge ran after the version was recorded: it removed the version, then the bytes no one refers to.
        Assert.Empty(await purgerMetadata.ListVersionsAsync("1", Token));
        Assert.False(await blobs.ExistsAsync(staged.Sha256, Token));
        await staged.DisposeAsync();
    }

    [Fact]
    public async Task An_orphan_sweep_on_one_node_waits_for_an_upload_committing_on_the_other_and_keeps_its_bytes()
    {
        var blobs = new FileSystemBlobStore(_blobs.Path, NullLogger<FileSystemBlobStore>.Instance);
        var (uploader, uploaderMetadata) = Node(blobs);
        var (sweeper, _) = Node(blobs);
        var staged = (await blobs.StageAsync(new MemoryStream("bytes the other node records"u8.ToArray()), 1000, Token)).Value;
        var recording = new TaskCompletionSource();
        var mayRecord = new TaskCompletionSource();
        var upload = uploader.CommitAsync<bool>(staged, async () =>
        {
            recording.SetResult();
            await mayRecord.Task;
            await Blobs.BlobRows.RecordAsync(uploaderMetadata, staged, Token);
            return true;
        }, Token);
        await recording.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);

        // Committed, not yet recorded: unreferenced at this instant, and still not the sweep's to take.
        var sweep = sweeper.SweepOrphansAsync(blobs, Token);
        await Task.Delay(Settle, Token);
        Assert.False(sweep.IsCompleted);
        mayRecord.SetResult();
        Assert.True((await upload).Value);

        Assert.Equal(0, await sweep.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.True(await blobs.ExistsAsync(staged.Sha256, Token));
        await staged.DisposeAsync();
    }

    private (BlobJanitor Janitor, IMetadataStore Metadata) Node(IBlobStore blobs)
    {
        var database = Temp.Open();
        var metadata = new PostgresMetadataStore(database, NullLogger<PostgresMetadataStore>.Instance);
        return (new BlobJanitor(metadata, blobs, new PostgresRenditionStore(database), new PostgresLocks(database)), metadata);
    }
}
