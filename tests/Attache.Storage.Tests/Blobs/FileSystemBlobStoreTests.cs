using System.Security.Cryptography;
using Attache.Core.Ports;
using Attache.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attache.Storage.Tests.Blobs;

public sealed class FileSystemBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FileSystemBlobStore _store;

    public FileSystemBlobStoreTests()
    {
        _store = new FileSystemBlobStore(Path.Combine(_folder.Path, "blobs"), NullLogger<FileSystemBlobStore>.Instance);
    }

    protected override IBlobStore Store => _store;

    private string StagingFolder => Path.Combine(_store.Root, ".staging");

    public void Dispose() => _folder.Dispose();

    protected override Task<int> CountStoredObjectsAsync() =>
        Task.FromResult(Directory.Exists(_store.Root) ? Directory.EnumerateFiles(_store.Root, "*", SearchOption.AllDirectories).Count() : 0);

    [Fact]
    public async Task Blobs_are_laid_out_in_two_levels_of_folders_named_by_the_key()
    {
        var key = await StoreAsync(Bytes(10, seed: 1));

        var path = _store.TryGetLocalPath(key);

        Assert.Equal(Path.Combine(_store.Root, key[..2], key[2..4], key), path);
        Assert.True(File.Exists(path));
        Assert.Empty(Directory.EnumerateFiles(StagingFolder));
    }

    [Fact]
    public async Task A_damaged_blob_of_the_wrong_length_is_replaced_when_the_same_bytes_arrive_again()
    {
        var content = Bytes(5000, seed: 2);
        var key = await StoreAsync(content);
        var path = _store.TryGetLocalPath(key)!;
        await File.WriteAllBytesAsync(path, content[..100], Token);

        Assert.Equal(key, await StoreAsync(content));

        Assert.Equal(content, await File.ReadAllBytesAsync(path, Token));
        Assert.Empty(Directory.EnumerateFiles(StagingFolder));
    }

    [Fact]
    public void A_missing_blob_has_no_local_path()
    {
        var key = Convert.ToHexStringLower(SHA256.HashData("absent"u8));

        Assert.Null(_store.TryGetLocalPath(key));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/etc/passwd")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    public void Keys_that_are_not_lower_case_sha256_hex_have_no_local_path(string key)
    {
        Assert.Throws<ArgumentException>(() => _store.TryGetLocalPath(key));
    }

    [Fact]
    public async Task A_symbolic_link_planted_in_place_of_a_blob_is_not_served()
    {
        var secret = Path.Combine(_folder.Path, "secret.txt");
        await File.WriteAllTextAsync(secret, "not a blob", Token);
        var key = Convert.ToHexStringLower(SHA256.HashData("not a blob"u8));
        var path = Path.Combine(_store.Root, key[..2], key[2..4], key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, secret);

        Assert.Null(await Store.OpenReadAsync(key, 0, 1, Token));
        Assert.False(await Store.ExistsAsync(key, Token));
        Assert.Null(_store.TryGetLocalPath(key));
    }

    [Fact]
    public async Task Committing_over_a_planted_symbolic_link_replaces_it_with_the_blob()
    {
        var secret = Path.Combine(_folder.Path, "secret.txt");
        await File.WriteAllTextAsync(secret, "elsewhere", Token);
        var content = Bytes(100, seed: 2);
        var key = Convert.ToHexStringLower(SHA256.HashData(content));
        var path = Path.Combine(_store.Root, key[..2], key[2..4], key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, secret);

        await StoreAsync(content);

        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.Equal(content, await ReadAllAsync(key, 0, content.Length));
        Assert.Equal("elsewhere", await File.ReadAllTextAsync(secret, Token));
    }

    [Theory]
    [InlineData(0, 11)]
    [InlineData(10, 2)]
    [InlineData(11, 1)]
    [InlineData(-1, 1)]
    [InlineData(0, -1)]
    public async Task A_range_outside_the_blob_is_refused(long offset, long length)
    {
        var key = await StoreAsync("testcontent"u8.ToArray()[..10]);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.OpenReadAsync(key, offset, length, Token));
    }

    [Fact]
    public async Task The_sweep_removes_staging_files_left_by_a_crash()
    {
        Directory.CreateDirectory(StagingFolder);
        await File.WriteAllTextAsync(Path.Combine(StagingFolder, "a.partial"), "x", Token);
        await File.WriteAllTextAsync(Path.Combine(StagingFolder, "b.partial"), "y", Token);
        var kept = await StoreAsync(Bytes(10, seed: 3));

        var removed = await _store.SweepStagingAsync(Token);

        Assert.Equal(2, removed);
        Assert.Empty(Directory.EnumerateFiles(StagingFolder));
        Assert.True(await Store.ExistsAsync(kept, Token));
    }

    [Fact]
    public async Task The_sweep_of_a_store_that_never_staged_anything_removes_nothing()
    {
        Assert.Equal(0, await _store.SweepStagingAsync(Token));
    }

    [Fact]
    public async Task Staging_keeps_nothing_in_memory_or_elsewhere_outside_the_root()
    {
        await StoreAsync(Bytes(1000, seed: 4));

        Assert.Equal(["blobs"], Directory.EnumerateFileSystemEntries(_folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Fsync_of_an_invalid_descriptor_reports_the_error()
    {
        var error = Assert.Throws<IOException>(() => Durability.Fsync(-1));

        Assert.Contains("errno 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fsync_of_a_closed_handle_throws_instead_of_syncing_whatever_file_now_has_its_number()
    {
        // A closed descriptor's number is handed out again at once (other tests open files in parallel), so the guard is
        // the handle's own state, not an fsync error.
        var path = Path.Combine(_folder.Path, "closed");
        await File.WriteAllTextAsync(path, "x", Token);
        var handle = File.OpenHandle(path);
        handle.Dispose();

        Assert.Throws<ObjectDisposedException>(() => Durability.Fsync(handle));
    }

    [Fact]
    public void Fsync_of_a_missing_directory_reports_the_error()
    {
        Assert.Throws<IOException>(() => Durability.FsyncDirectory(Path.Combine(_folder.Path, "missing")));
    }

    [Fact]
    public void Fsync_of_a_directory_succeeds()
    {
        Durability.FsyncDirectory(_folder.Path);
    }
}
