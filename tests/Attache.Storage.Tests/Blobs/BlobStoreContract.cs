using System.Security.Cryptography;
using Attache.Core;
using Attache.Core.Ports;

namespace Attache.Storage.Tests.Blobs;

/// <summary>What every <see cref="IBlobStore"/> adapter promises. Each adapter's test class inherits it once.</summary>
public abstract class BlobStoreContract
{
    protected const long NoLimit = long.MaxValue;

    protected abstract IBlobStore Store { get; }

    /// <summary>Every object the adapter holds, committed or staged, so tests can see what was left behind.</summary>
    protected abstract Task<int> CountStoredObjectsAsync();

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(131072)]
    [InlineData(131073)]
    [InlineData(1024 * 1024)]
    public async Task Staged_and_committed_bytes_read_back_exactly(int size)
    {
        var content = Bytes(size, seed: size);

        var key = await StoreAsync(content);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), key);
        Assert.Equal(content, await ReadAllAsync(key, 0, size));
        Assert.True(await Store.ExistsAsync(key, Token));
    }

    [Fact]
    public async Task Staging_reports_size_sha256_and_md5_of_the_content()
    {
        var content = Bytes(300_001, seed: 7);

        var outcome = await Store.StageAsync(new MemoryStream(content), NoLimit, Token);

        await using var staged = outcome.Value;
        Assert.Equal(content.Length, staged.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), staged.Sha256);
#pragma warning disable CA5351 // MD5 is a transfer checksum some clients declare, not a security control.
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(content)), staged.Md5);
#pragma warning restore CA5351
    }

    [Fact]
    public async Task Staging_reads_content_that_arrives_in_small_pieces()
    {
        var content = Bytes(10_000, seed: 3);

        var key = await StoreAsync(new TrickleStream(content, 7));

        Assert.Equal(content, await ReadAllAsync(key, 0, content.Length));
    }

    [Fact]
    public async Task Committing_the_same_bytes_twice_keeps_one_blob()
    {
        var content = Bytes(5000, seed: 1);

        var first = await StoreAsync(content);
        var second = await StoreAsync(content);

        Assert.Equal(first, second);
        Assert.Equal(1, await CountStoredObjectsAsync());
        Assert.Equal(content, await ReadAllAsync(first, 0, content.Length));
    }

    [Fact]
    public async Task Concurrent_commits_of_the_same_bytes_keep_one_blob()
    {
        var content = Bytes(200_000, seed: 12);

        var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => StoreAsync(content), Token)));

        Assert.Single(keys.Distinct());
        Assert.Equal(1, await CountStoredObjectsAsync());
        Assert.Equal(content, await ReadAllAsync(keys[0], 0, content.Length));
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_nothing_behind()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Store.StageAsync(new MemoryStream(Bytes(1000, seed: 13)), NoLimit, cancellation.Token));

        Assert.Equal(0, await CountStoredObjectsAsync());
    }

    [Fact]
    public async Task Disposing_without_commit_leaves_nothing_behind()
    {
        var content = Bytes(1000, seed: 2);

        var staged = (await Store.StageAsync(new MemoryStream(content), NoLimit, Token)).Value;
        await staged.DisposeAsync();

        Assert.Equal(0, await CountStoredObjectsAsync());
        Assert.False(await Store.ExistsAsync(staged.Sha256, Token));
    }

    [Fact]
    public async Task Staged_bytes_are_not_visible_before_commit()
    {
        var content = Bytes(1000, seed: 4);

        await using var staged = (await Store.StageAsync(new MemoryStream(content), NoLimit, Token)).Value;

        Assert.False(await Store.ExistsAsync(staged.Sha256, Token));
        Assert.Null(await Store.OpenReadAsync(staged.Sha256, 0, 0, Token));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(200_000)]
    public async Task Staging_more_than_the_limit_leaves_nothing_behind(int limit)
    {
        var outcome = await Store.StageAsync(new MemoryStream(Bytes(limit + 1, seed: 5)), limit, Token);

        var failure = Assert.IsType<Failure.TooLarge>(outcome.Failure);
        Assert.Equal(limit, failure.LimitBytes);
        Assert.Equal(0, await CountStoredObjectsAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(200_000)]
    public async Task Staging_exactly_the_limit_succeeds(int limit)
    {
        var content = Bytes(limit, seed: 6);

        await using var staged = (await Store.StageAsync(new MemoryStream(content), limit, Token)).Value;
        await staged.CommitAsync(Token);

        Assert.Equal(limit, staged.Size);
        Assert.Equal(content, await ReadAllAsync(staged.Sha256, 0, limit));
    }

    [Fact]
    public async Task A_content_stream_that_fails_midway_leaves_nothing_and_the_error_propagates()
    {
        var content = new FailingStream(Bytes(300_000, seed: 8), failAfter: 200_000);

        var error = await Assert.ThrowsAsync<IOException>(() => Store.StageAsync(content, NoLimit, Token));

        Assert.Equal(FailingStream.Message, error.Message);
        Assert.Equal(0, await CountStoredObjectsAsync());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 10)]
    [InlineData(4, 4)]
    [InlineData(4, 7)]
    [InlineData(10, 1)]
    [InlineData(5, 0)]
    [InlineData(11, 0)]
    public async Task Ranges_of_a_small_blob_read_back_exactly(int offset, int length)
    {
        var content = "testcontent"u8.ToArray();
        var key = await StoreAsync(content);

        var read = await ReadAllAsync(key, offset, length);

        Assert.Equal(content.AsSpan(offset, length).ToArray(), read);
    }

    [Fact]
    public async Task Ranges_of_a_large_blob_read_back_exactly()
    {
        var content = Bytes(8 * 1024 * 1024, seed: 9);
        var key = await StoreAsync(content);

        Assert.Equal(content[3145728..5242881], await ReadAllAsync(key, 3145728, 5242881 - 3145728));
        Assert.Equal(content[^1..], await ReadAllAsync(key, content.Length - 1, 1));
        Assert.Equal(content[..131073], await ReadAllAsync(key, 0, 131073));
    }

    [Fact]
    public async Task A_ranged_stream_reports_its_length()
    {
        var key = await StoreAsync(Bytes(1000, seed: 10));

        await using var stream = await Store.OpenReadAsync(key, 100, 250, Token);

        Assert.NotNull(stream);
        Assert.Equal(250, stream.Length);
    }

    [Fact]
    public async Task A_missing_blob_opens_as_null_and_does_not_exist()
    {
        var key = Convert.ToHexStringLower(SHA256.HashData("never stored"u8));

        Assert.Null(await Store.OpenReadAsync(key, 0, 0, Token));
        Assert.False(await Store.ExistsAsync(key, Token));
    }

    [Fact]
    public async Task Deleting_removes_the_blob_and_deleting_again_is_harmless()
    {
        var key = await StoreAsync(Bytes(100, seed: 11));

        await Store.DeleteAsync(key, Token);
        await Store.DeleteAsync(key, Token);

        Assert.False(await Store.ExistsAsync(key, Token));
        Assert.Null(await Store.OpenReadAsync(key, 0, 100, Token));
        Assert.Equal(0, await CountStoredObjectsAsync());
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567890")]
    [InlineData("../../../../../../../../../../../../../../../../../../../../etc/pa")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678/")]
    public async Task Keys_that_are_not_lower_case_sha256_hex_are_refused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(key, 0, 0, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ExistsAsync(key, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key, Token));
        Assert.Equal(0, await CountStoredObjectsAsync());
    }

    [Fact]
    public async Task The_inventory_lists_committed_blobs_and_neither_staged_nor_deleted_ones()
    {
        var kept = await StoreAsync(Bytes(1000, seed: 20));
        var deleted = await StoreAsync(Bytes(0, seed: 21));
        await Store.DeleteAsync(deleted, Token);
        var outcome = await Store.StageAsync(new MemoryStream(Bytes(1000, seed: 22)), NoLimit, Token);
        await using var staged = outcome.Value;

        var listed = new List<string>();
        await foreach (var key in ((IBlobInventory)Store).ListKeysAsync(Token))
        {
            listed.Add(key);
        }

        Assert.Equal([kept], listed);
    }

    protected async Task<string> StoreAsync(byte[] content) => await StoreAsync(new MemoryStream(content));

    protected async Task<string> StoreAsync(Stream content)
    {
        await using var staged = (await Store.StageAsync(content, NoLimit, Token)).Value;
        await staged.CommitAsync(Token);
        return staged.Sha256;
    }

    protected async Task<byte[]> ReadAllAsync(string key, long offset, long length)
    {
        await using var stream = await Store.OpenReadAsync(key, offset, length, Token);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Token);
        return copy.ToArray();
    }

    protected static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private sealed class TrickleStream(byte[] content, int pieceSize) : MemoryStream(content)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, pieceSize)], cancellationToken);
    }

    /// <summary>A client that goes away after some bytes: a fault a real stream cannot be made to produce on cue.</summary>
    private sealed class FailingStream(byte[] content, int failAfter) : MemoryStream(content)
    {
        public const string Message = "The client went away.";

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= failAfter)
            {
                throw new IOException(Message);
            }

            return await base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, failAfter - Position)], cancellationToken);
        }
    }
}
