using System.IO.Pipelines;
using Attache.Core.Downloads;
using Attache.Core.Ports;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Win32.SafeHandles;

namespace Attache.Server.Http;

/// <summary>
/// The seam for moving a blob's bytes to the response, so that a zero-copy sender (sendfile, X-Accel-Redirect)
/// can replace the default copy without touching <see cref="DownloadResult"/>.
/// </summary>
internal interface IBlobSender
{
    /// <summary>
    /// Opens the plan's blob before any header is written, so that a missing blob becomes a clean error rather than a
    /// truncated 200. <paramref name="offset"/> and <paramref name="length"/> name the first span that will be sent
    /// (length 0 when no body will be); null when the blob does not exist.
    /// </summary>
    Task<BlobBody?> OpenAsync(IBlobStore store, DownloadPlan plan, long offset, long length, CancellationToken cancellationToken);
}

/// <summary>An opened blob. Disposed by whoever opened it.</summary>
internal abstract class BlobBody(StallGuard guard) : IAsyncDisposable
{
    /// <summary>Flushes what was written to the response; a client that stops taking bytes is cut (see <see cref="StallGuard"/>).</summary>
    protected ValueTask<FlushResult> FlushAsync(HttpResponse response, CancellationToken cancellationToken) =>
        guard.FlushAsync(response, cancellationToken);

    /// <summary>Bytes of content the response has taken so far (flushed to the server without the client having gone).</summary>
    public long BytesSent { get; protected set; }

    /// <summary>
    /// Writes <paramref name="length"/> bytes from <paramref name="offset"/> to the started response; false when the
    /// client went away first. Throws <see cref="IOException"/> when the blob is shorter than the plan says.
    /// </summary>
    public abstract Task<bool> SendAsync(HttpResponse response, long offset, long length, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// Cuts a download whose client stops taking bytes: a flush still waiting after <see cref="ServerLimits.ResponseStallTimeout"/>
/// aborts the connection. Kestrel's <c>MinResponseDataRate</c> counts every byte already handed to the socket towards the
/// time it allows, so a reader that stalls once the socket buffers are full would hold its connection, memory and the
/// blob's handle for many minutes (slow read, slowhttptest -X).
/// </summary>
internal sealed partial class StallGuard(ServerLimits limits, TimeProvider time, ILogger<StallGuard> logger)
{
    public async ValueTask<FlushResult> FlushAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        var writer = response.BodyWriter;
        var flush = writer.FlushAsync(cancellationToken);
        if (flush.IsCompleted)
        {
            // The pipe had room: the common case costs no timer.
            return flush.Result;
        }

        var stalled = false;
        FlushResult result;
        await using (time.CreateTimer(_ => Stall(writer, ref stalled), null, limits.ResponseStallTimeout, Timeout.InfiniteTimeSpan))
        {
            result = await flush;
        }

        if (!Volatile.Read(ref stalled))
        {
            return result;
        }

        // Also when the flush ended just as the timer fired: the cancellation it left would hit the next flush.
        LogStalled(logger, Errors.RequestErrorHandler.LoggedPath(response.HttpContext.Request), limits.ResponseStallTimeout.TotalSeconds);
        response.HttpContext.Abort();
        return new FlushResult(isCanceled: false, isCompleted: true);
    }

    private static void Stall(PipeWriter writer, ref bool stalled)
    {
        Volatile.Write(ref stalled, true);
        writer.CancelPendingFlush();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A download of {Path} was cut: its client took no bytes for {Seconds} s")]
    private static partial void LogStalled(ILogger logger, string path, double seconds);
}

/// <summary>Copies through user space: positional reads of a local file, otherwise the store's stream.</summary>
internal sealed class BlobSender(StallGuard guard) : IBlobSender
{
    // Kestrel's own chunk is 16 KiB; bigger writes mean fewer flushes and syscalls per GiB.
    internal const int ChunkSize = 64 * 1024;

    public async Task<BlobBody?> OpenAsync(IBlobStore store, DownloadPlan plan, long offset, long length, CancellationToken cancellationToken)
    {
        if (store.TryGetLocalPath(plan.BlobKey) is { } path)
        {
            SafeFileHandle handle;
            try
            {
                handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptionsFor(plan.Length));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }

            // A blob of another length than its plan is damaged: answer before any header rather than send a broken body.
            if (RandomAccess.GetLength(handle) != plan.Length)
            {
                handle.Dispose();
                return null;
            }

            return new FileBody(handle, guard);
        }

        if (length == 0)
        {
            return await store.ExistsAsync(plan.BlobKey, cancellationToken) ? new StreamBody(store, plan.BlobKey, null, 0, 0, guard) : null;
        }

        var stream = await store.OpenReadAsync(plan.BlobKey, offset, length, cancellationToken);
        return stream is null ? null : new StreamBody(store, plan.BlobKey, stream, offset, length, guard);
    }

    /// <summary>
    /// Outside Windows an asynchronous file read is a synchronous read handed to a thread-pool thread, so reading on
    /// the request's own pool thread costs the same blocking without the hop. Read-ahead advice only pays past one chunk.
    /// </summary>
    private static FileOptions FileOptionsFor(long length) =>
        (ReadsInline ? FileOptions.None : FileOptions.Asynchronous) | (length > ChunkSize ? FileOptions.SequentialScan : FileOptions.None);

    private static bool ReadsInline => !OperatingSystem.IsWindows();

    public static void StartStreaming(HttpResponse response) =>
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

    private sealed class FileBody(SafeFileHandle handle, StallGuard guard) : BlobBody(guard)
    {
        public override async Task<bool> SendAsync(HttpResponse response, long offset, long length, CancellationToken cancellationToken)
        {
            var writer = response.BodyWriter;
            while (length > 0)
            {
                var memory = writer.GetMemory(ChunkSize);
                if (memory.Length > length)
                {
                    memory = memory[..(int)length];
                }

                var read = ReadsInline
                    ? RandomAccess.Read(handle, memory.Span, offset)
                    : await RandomAccess.ReadAsync(handle, memory, offset, cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"The blob ended {length} bytes before the planned length.");
                }

                writer.Advance(read);
                offset += read;
                length -= read;
                var flushed = await FlushAsync(response, cancellationToken);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    BytesSent += length == 0 ? read : 0;
                    return length == 0;
                }

                BytesSent += read;
            }

            return true;
        }

        public override ValueTask DisposeAsync()
        {
            handle.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    // The store's streams are range-bound, so each part of a multipart answer opens its own; the first is opened
    // before the headers to prove the blob exists.
    private sealed class StreamBody(IBlobStore store, string key, Stream? first, long firstOffset, long firstLength, StallGuard guard) : BlobBody(guard)
    {
        private Stream? _pending = first;

        public override async Task<bool> SendAsync(HttpResponse response, long offset, long length, CancellationToken cancellationToken)
        {
            if (length == 0)
            {
                return true;
            }

            var stream = _pending is not null && offset == firstOffset && length == firstLength ? _pending : null;
            _pending = null;
            stream ??= await store.OpenReadAsync(key, offset, length, cancellationToken)
                ?? throw new IOException($"Blob '{key}' vanished while it was being sent.");

            await using (stream)
            {
                var writer = response.BodyWriter;
                while (length > 0)
                {
                    var memory = writer.GetMemory(ChunkSize);
                    if (memory.Length > length)
                    {
                        memory = memory[..(int)length];
                    }

                    var read = await stream.ReadAsync(memory, cancellationToken);
                    if (read == 0)
                    {
                        throw new IOException($"The blob ended {length} bytes before the planned length.");
                    }

                    writer.Advance(read);
                    length -= read;
                    var flushed = await FlushAsync(response, cancellationToken);
                    if (flushed.IsCanceled || flushed.IsCompleted)
                    {
                        BytesSent += length == 0 ? read : 0;
                        return length == 0;
                    }

                    BytesSent += read;
                }
            }

            return true;
        }

        public override async ValueTask DisposeAsync()
        {
            if (_pending is not null)
            {
                await _pending.DisposeAsync();
                _pending = null;
            }
        }
    }
}
