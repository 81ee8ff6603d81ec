using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Attache.Core;
using Attache.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Attache.Storage.Blobs;

/// <summary>
/// Blobs as files under <c>root/ab/cd/&lt;sha256&gt;</c>. Bytes are written to <c>root/.staging/*.partial</c> while hashed,
/// fsynced, and renamed into place; the rename is made durable by fsyncing the folder that received it.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore, IBlobInventory
{
    private const int BufferSize = 128 * 1024;
    private const string PartialExtension = ".partial";

    private static readonly SearchValues<char> LowerHexDigits = SearchValues.Create("0123456789abcdef");

    private readonly string _root;
    private readonly string _rootPrefix;
    private readonly string _staging;
    private readonly ILogger<FileSystemBlobStore> _logger;
    private readonly ConcurrentDictionary<string, bool> _durableFolders = new(StringComparer.Ordinal);
    private volatile bool _rootIsDurable;

    public FileSystemBlobStore(string root, ILogger<FileSystemBlobStore> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _rootPrefix = _root + Path.DirectorySeparatorChar;
        _staging = Path.Combine(_root, ".staging");
        _logger = logger;
    }

    public string Root => _root;

    public async Task<Outcome<StagedBlob>> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        EnsureRoot();
        var path = Path.Combine(_staging, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + PartialExtension);

        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            await using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            });

            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                size += read;
                if (size > maxBytes)
                {
                    break;
                }

                sha256.AppendData(buffer, 0, read);
                md5.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            if (size <= maxBytes)
            {
                Durability.Fsync(file.SafeFileHandle);
            }
        }
        catch
        {
            DeleteQuietly(path);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (size > maxBytes)
        {
            DeleteQuietly(path);
            return new Failure.TooLarge($"The content is larger than the limit of {maxBytes} bytes.", maxBytes);
        }

        return new FileSystemStagedBlob(this, path)
        {
            Size = size,
            Sha256 = Convert.ToHexStringLower(sha256.GetHashAndReset()),
            Md5 = Convert.ToHexStringLower(md5.GetHashAndReset()),
        };
    }

    public Task<Stream?> OpenReadAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathFor(key);
        if (!IsRegularFile(path))
        {
            return Task.FromResult<Stream?>(null);
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }

        if (offset > file.Length - length)
        {
            var fileLength = file.Length;
            file.Dispose();
            throw new ArgumentOutOfRangeException(nameof(length), $"Bytes {offset}+{length} lie outside blob {key} of {fileLength} bytes.");
        }

        return Task.FromResult<Stream?>(new SliceStream(file, offset, length));
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(IsRegularFile(PathFor(key)));

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }

        return Task.CompletedTask;
    }

    public string? TryGetLocalPath(string key)
    {
        var path = PathFor(key);
        return IsRegularFile(path) ? path : null;
    }

    public async IAsyncEnumerable<string> ListKeysAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
        {
            yield break;
        }

        // Only root/ab/cd/<key> where ab and cd begin the key: staging and anything else in the folder is not a blob.
        foreach (var first in Directory.EnumerateDirectories(_root, "??"))
        {
            foreach (var second in Directory.EnumerateDirectories(first, "??"))
            {
                var prefix = Path.GetFileName(first) + Path.GetFileName(second);
                foreach (var path in Directory.EnumerateFiles(second))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var name = Path.GetFileName(path);
                    if (name.Length == 64 && name.StartsWith(prefix, StringComparison.Ordinal) && name.All(char.IsAsciiHexDigitLower))
                    {
                        yield return name;
                    }
                }

                await Task.Yield();
            }
        }
    }

    /// <summary>Deletes staging files left by a crash. Only safe while no upload is running, i.e. at start.</summary>
    public Task<int> SweepStagingAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(_staging))
        {
            return Task.FromResult(0);
        }

        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(_staging, "*" + PartialExtension))
        {
            cancellationToken.ThrowIfCancellationRequested();
            DeleteQuietly(path);
            removed++;
        }

        _logger.LogInformation("Removed {Count} unfinished upload(s) from {Staging}", removed, _staging);
        return Task.FromResult(removed);
    }

    /// <summary>The path of a key. Keys are only ever server-computed hashes, so anything else is a bug.</summary>
    internal string PathFor(string key)
    {
        if (key is not { Length: 64 } || key.AsSpan().ContainsAnyExcept(LowerHexDigits))
        {
            throw new ArgumentException("A blob key is 64 lower-case hex characters.", nameof(key));
        }

        var path = Path.GetFullPath(Path.Combine(_root, key[..2], key[2..4], key));
        if (!path.StartsWith(_rootPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException("The blob key leads outside the store.", nameof(key));
        }

        return path;
    }

    private bool IsRegularFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return false;
        }

        // The attributes come from the lstat that answered Exists: a link shows as a reparse point without reading it.
        if ((info.Attributes & FileAttributes.ReparsePoint) != 0)
        {
            _logger.LogWarning("Refusing to serve {Path}: it is a symbolic link, not a blob", path);
            return false;
        }

        return true;
    }

    private void Commit(string stagingPath, string key, long size)
    {
        var final = PathFor(key);
        var folder = Path.GetDirectoryName(final)!;
        EnsureFolder(folder);
        if (IsIntact(final, size))
        {
            KeepExisting(stagingPath, final, folder);
            return;
        }

        if (File.Exists(final) || new FileInfo(final).LinkTarget is not null)
        {
            _logger.LogWarning("Replacing {Path}: it is a link or has the wrong length, not the blob it stands for", final);
            File.Delete(final);
        }

        try
        {
            File.Move(stagingPath, final, overwrite: false);
        }
        catch (IOException) when (IsIntact(final, size))
        {
            KeepExisting(stagingPath, final, folder);
            return;
        }

        try
        {
            Durability.FsyncDirectory(folder);
        }
        catch
        {
            // Not known to be durable: no blob may stay under its name for a retry to trust.
            DeleteQuietly(final);
            throw;
        }
    }

    private static bool IsIntact(string path, long size)
    {
        var info = new FileInfo(path);
        return info.Exists && info.LinkTarget is null && info.Length == size;
    }

    /// <summary>
    /// The same bytes are there already; an earlier attempt may have failed after putting them there, so they are made
    /// durable again rather than trusted.
    /// </summary>
    private void KeepExisting(string stagingPath, string final, string folder)
    {
        using (var handle = File.OpenHandle(final, FileMode.Open, FileAccess.Read))
        {
            Durability.Fsync(handle);
        }

        Durability.FsyncDirectory(folder);
        DeleteQuietly(stagingPath);
    }

    /// <summary>Creates the root and staging folders, making a new root's own entry durable before any blob lands in it.</summary>
    private void EnsureRoot()
    {
        if (_rootIsDurable)
        {
            Directory.CreateDirectory(_staging);
            return;
        }

        var rootIsNew = !Directory.Exists(_root);
        Directory.CreateDirectory(_staging);
        if (rootIsNew)
        {
            Durability.FsyncDirectory(Path.GetDirectoryName(_root)!);
        }

        Durability.FsyncDirectory(_root);
        _rootIsDurable = true;
    }

    /// <summary>
    /// Creates the two fan-out folders and makes their entries durable. A folder counts as durable only once an fsync of
    /// its parent succeeded in this process, not merely because it exists: an earlier attempt may have failed there.
    /// </summary>
    private void EnsureFolder(string folder)
    {
        if (_durableFolders.ContainsKey(folder))
        {
            return;
        }

        var parent = Path.GetDirectoryName(folder)!;
        Directory.CreateDirectory(folder);
        if (!_durableFolders.ContainsKey(parent))
        {
            Durability.FsyncDirectory(_root);
            _durableFolders.TryAdd(parent, true);
        }

        Durability.FsyncDirectory(parent);
        _durableFolders.TryAdd(folder, true);
    }

    private void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(exception, "Could not delete staging file {Path}", path);
        }
    }

    private sealed class FileSystemStagedBlob(FileSystemBlobStore store, string path) : StagedBlob
    {
        private bool _done;

        public override Task CommitAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            cancellationToken.ThrowIfCancellationRequested();
            store.Commit(path, Sha256, Size);
            _done = true;
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync()
        {
            if (!_done)
            {
                _done = true;
                store.DeleteQuietly(path);
            }

            return ValueTask.CompletedTask;
        }
    }
}
