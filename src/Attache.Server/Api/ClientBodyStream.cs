namespace Attache.Server.Api;

/// <summary>The client's request body could not be read as sent: bad chunk framing, a truncated multipart part.</summary>
internal sealed class ClientBodyException(string message, Exception innerException) : IOException(message, innerException);

/// <summary>
/// Wraps a request body so that failures to read it are told apart from failures to store it: a read error becomes
/// <see cref="ClientBodyException"/> (the client's fault, a 400), while disk errors stay what they are.
/// Kestrel's own <see cref="BadHttpRequestException"/> (which carries its status, e.g. 413) and cancellation pass through.
/// </summary>
internal sealed class ClientBodyStream(Stream inner) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception exception) when (IsClientFault(exception))
        {
            throw new ClientBodyException($"The request body could not be read: {exception.Message}", exception);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Request bodies are read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static bool IsClientFault(Exception exception) =>
        exception is IOException or InvalidDataException && exception is not BadHttpRequestException;
}
