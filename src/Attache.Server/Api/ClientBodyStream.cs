using Attache.Core.Files;

namespace Attache.Server.Api;

/// <summary>The client's request body could not be read as sent: bad chunk framing, a truncated multipart part.</summary>
internal sealed class ClientBodyException(string message, Exception innerException) : IOException(message, innerException);

/// <summary>
/// Wraps a request body so that failures to read it are told apart from failures to store it: a read error becomes
/// <see cref="ClientBodyException"/> (the client's fault, a 400), while disk errors stay what they are.
/// Kestrel's own <see cref="BadHttpRequestException"/> (which carries its status) and cancellation pass through.
/// </summary>
internal sealed class ClientBodyStream(Stream inner) : ReadOnlyPassThroughStream(inner)
{
    protected override Exception? ReadFailed(Exception exception) =>
        exception is IOException or InvalidDataException && exception is not BadHttpRequestException
            ? new ClientBodyException($"The request body could not be read: {exception.Message}", exception)
            : null;
}
