namespace Attache.Cli;

/// <summary>Passes bytes through and reports progress on the error writer about once a second, for long transfers.</summary>
internal sealed class ProgressStream(Stream inner, long? total, TextWriter report, string verb) : Stream
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly long _started = TimeProvider.System.GetTimestamp();
    private long _transferred;
    private long _lastReport = TimeProvider.System.GetTimestamp();
    private bool _reported;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => total ?? throw new NotSupportedException();

    public override long Position
    {
        get => _transferred;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Advance(read);
        return read;
    }

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        await ReadAsync(buffer.AsMemory(offset, count), cancellationToken);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        Advance(buffer.Length);
    }

    public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        await WriteAsync(buffer.AsMemory(offset, count), cancellationToken);

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Advance(read);
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Advance(count);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_reported)
        {
            await report.WriteLineAsync($"{verb} {Describe()} in {TimeProvider.System.GetElapsedTime(_started).TotalSeconds:F1} s");
        }

        await base.DisposeAsync();
    }

    private void Advance(int bytes)
    {
        _transferred += bytes;
        var now = TimeProvider.System.GetTimestamp();
        if (TimeProvider.System.GetElapsedTime(_lastReport, now) < Interval)
        {
            return;
        }

        _lastReport = now;
        _reported = true;
        report.WriteLine($"{verb} {Describe()}");
    }

    private string Describe()
    {
        var mib = _transferred / 1048576.0;
        return total is > 0 ? $"{mib:F1} MiB of {total.Value / 1048576.0:F1} MiB ({100.0 * _transferred / total.Value:F0}%)" : $"{mib:F1} MiB";
    }
}
