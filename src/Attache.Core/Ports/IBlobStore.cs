namespace Attache.Core.Ports;

/// <summary>
/// Bytes addressed by the lower-case hex SHA-256 of their content. A blob is never modified in place.
/// Implementations are thread-safe.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Streams <paramref name="content"/> into a temporary object while computing SHA-256 and MD5 in the same pass, and
    /// makes it durable. Nothing is visible under a blob key until <see cref="StagedBlob.CommitAsync"/>.
    /// Answers <see cref="Failure.TooLarge"/> (leaving nothing behind) once more than <paramref name="maxBytes"/> arrive.
    /// Exceptions from <paramref name="content"/> (a client that goes away) propagate after the temporary object is removed.
    /// </summary>
    Task<Outcome<StagedBlob>> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// Opens <paramref name="length"/> bytes of the blob from <paramref name="offset"/>; null when the blob does not exist.
    /// The caller disposes the stream.
    /// </summary>
    Task<Stream?> OpenReadAsync(string key, long offset, long length, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes the blob if it exists.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>The blob's path on a local file system, for zero-copy sending; null when the store is not local.</summary>
    string? TryGetLocalPath(string key);
}

/// <summary>
/// Bytes received and durable under a temporary name. Disposing without committing removes them.
/// </summary>
public abstract class StagedBlob : IAsyncDisposable
{
    public required long Size { get; init; }

    /// <summary>Lower-case hex SHA-256 of the bytes; also the blob key.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Lower-case hex MD5 of the bytes.</summary>
    public required string Md5 { get; init; }

    /// <summary>Moves the bytes under their key durably. An existing blob with the same key is kept as it is.</summary>
    public abstract Task CommitAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}
