namespace Attache.Core.Ports;

/// <summary>
/// Identifies one rendition: a file version in a format and charset (empty when the format has none), under a variant
/// that hashes everything else the bytes depend on (the renderer's revision, the caption).
/// </summary>
public sealed record RenditionKey(string FileId, int Version, string Format, string Charset, string Variant);

/// <summary>A rendition whose bytes are the blob <see cref="Sha256"/>.</summary>
public sealed record Rendition
{
    public required RenditionKey Key { get; init; }

    public required string DocumentId { get; init; }

    public required long Size { get; init; }

    public required string Sha256 { get; init; }

    public required string Md5 { get; init; }

    public required DateTimeOffset Created { get; init; }
}

/// <summary>
/// Records which blobs hold which renditions. A rendition's blob counts as referenced, so purges keep it while the
/// record exists. Implementations are thread-safe.
/// </summary>
public interface IRenditionStore
{
    Task<Rendition?> FindAsync(RenditionKey key, CancellationToken cancellationToken);

    /// <summary>Records the rendition unless one with the same key exists; returns the one stored.</summary>
    Task<Rendition> AddAsync(Rendition rendition, CancellationToken cancellationToken);

    /// <summary>Removes every rendition of the document's files; returns the blob keys they used.</summary>
    Task<IReadOnlyList<string>> PurgeDocumentAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>True when any rendition refers to the blob.</summary>
    Task<bool> IsBlobReferencedAsync(string sha256, CancellationToken cancellationToken);
}
