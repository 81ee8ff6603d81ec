using System.Security.Cryptography;
using Attache.Core.Ports;

namespace Attache.Core.Tests.Fakes;

/// <summary>
/// The blob port over a dictionary: really hashes with SHA-256 and MD5, enforces the size limit while reading, and
/// keeps staged bytes invisible until they are committed.
/// </summary>
internal sealed class InMemoryBlobStore : IBlobStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private int _staged;

    /// <summary>Staged blobs neither committed nor disposed yet.</summary>
    public int Pending => Volatile.Read(ref _staged);

    public IReadOnlyCollection<string> Keys
    {
        get
        {
            lock (_lock)
            {
                return _blobs.Keys.ToList();
            }
        }
    }

    public byte[]? Find(string key)
    {
        lock (_lock)
        {
            return _blobs.GetValueOrDefault(key);
        }
    }

    public async Task<Outcome<StagedBlob>> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return new Failure.TooLarge($"More than {maxBytes} bytes.", maxBytes);
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        var bytes = buffer.ToArray();
        Interlocked.Increment(ref _staged);
        return new Staged(this, bytes)
        {
            Size = bytes.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            Md5 = Convert.ToHexStringLower(MD5.HashData(bytes)),
        };
    }

    public Task<Stream?> OpenReadAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        var bytes = Find(key);
        return Task.FromResult<Stream?>(bytes is null ? null : new MemoryStream(bytes, (int)offset, (int)length, writable: false));
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(Find(key) is not null);

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _blobs.Remove(key);
        }

        return Task.CompletedTask;
    }

    public string? TryGetLocalPath(string key) => null;

    private sealed class Staged(InMemoryBlobStore store, byte[] bytes) : StagedBlob
    {
        private bool _done;

        public override Task CommitAsync(CancellationToken cancellationToken)
        {
            lock (store._lock)
            {
                store._blobs.TryAdd(Sha256, bytes);
            }

            Finish();
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync()
        {
            Finish();
            return ValueTask.CompletedTask;
        }

        private void Finish()
        {
            if (!_done)
            {
                _done = true;
                Interlocked.Decrement(ref store._staged);
            }
        }
    }
}
