using Attache.Core.Import;

namespace Attache.Core;

/// <summary>The closed set of expected failures a core operation can answer with.</summary>
public abstract record Failure(string Message)
{
    public sealed record NotFound(string Message) : Failure(Message);

    public sealed record Forbidden(string Message) : Failure(Message);

    /// <summary>The item exists but is not in a state that allows the operation (e.g. a file not ready for download).</summary>
    public sealed record NotReady(string Message, UploadState State) : Failure(Message);

    /// <summary>The caller's input is malformed; <paramref name="Field"/> names the offending part.</summary>
    public sealed record Invalid(string Message, string Field) : Failure(Message);

    /// <summary>An import manifest broke rules in one or more places; <paramref name="Errors"/> lists every one.</summary>
    public sealed record InvalidManifest(string Message, IReadOnlyList<ManifestError> Errors) : Failure(Message);

    public sealed record Conflict(string Message) : Failure(Message);

    public sealed record Gone(string Message) : Failure(Message);

    public sealed record TooLarge(string Message, long LimitBytes) : Failure(Message);

    /// <summary>A client-declared checksum did not match the bytes the server stored.</summary>
    public sealed record ChecksumMismatch(string Message, string Algorithm, string Declared, string Computed) : Failure(Message);
}
