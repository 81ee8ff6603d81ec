using System.Security.Cryptography;
using Attache.Core;
using Attache.Core.Ports;

namespace Attache.Server.Tests.Http;

/// <summary>Blobs in a real temp folder keyed by SHA-256; with <c>localPaths: false</c> only the stream path is offered.</summary>
internal sealed class TestBlobStore(bool localPaths) : IBlobStore, IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("attache-blobs-").FullName;

    public string Add(ReadOnlySpan<byte> content)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(content));
        File.WriteAllBytes(PathOf(key), content);
        return key;
    }

    /// <summary>Writes <paramref name="size"/> deterministic pseudo-random bytes without holding them in memory.</summary>
    public async Task<string> AddGeneratedAsync(long size, int seed, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Root, $"tmp-{Guid.NewGuid():N}");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
        {
            foreach (var chunk in Generate(size, seed))
            {
                hash.AppendData(chunk.Span);
                await file.WriteAsync(chunk, cancellationToken);
            }
        }

        var key = Convert.ToHexStringLower(hash.GetHashAndReset());
        File.Move(temp, PathOf(key), overwrite: true);
        return key;
    }

    public static IEnumerable<ReadOnlyMemory<byte>> Generate(long size, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[1024 * 1024];
        for (var left = size; left > 0; left -= buffer.Length)
        {
            random.NextBytes(buffer);
            yield return buffer.AsMemory(0, (int)Math.Min(left, buffer.Length));
        }
    }

    public string PathOf(string key) => Path.Combine(Root, key);

    public Task<Stream?> OpenReadAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return Task.FromResult<Stream?>(null);
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.Asynchronous);
        file.Position = offset;
        return Task.FromResult<Stream?>(new BoundedStream(file, length));
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathOf(key)));

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public string? TryGetLocalPath(string key) => localPaths ? PathOf(key) : null;

    public Task<Outcome<StagedBlob>> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Downloads only.");

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>Exactly <c>length</c> bytes of the inner stream, as the port promises.</summary>
    private sealed class BoundedStream(Stream inner, long length) : Stream
    {
        private long _left = length;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left <= 0)
            {
                return 0;
            }

            var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken);
            _left -= read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Async only.");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
