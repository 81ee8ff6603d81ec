namespace Attache.Core.Ports;

/// <summary>Makes a small preview image of a file's bytes. Implementations are thread-safe.</summary>
public interface IThumbnailer
{
    /// <summary>Changes whenever the same bytes would give another thumbnail (size, format, library); part of the cache key.</summary>
    string Revision { get; }

    /// <summary>The media type of every thumbnail made, e.g. <c>image/png</c>.</summary>
    string MediaType { get; }

    /// <summary>True when files of <paramref name="mediaType"/> (parameters allowed) can get a thumbnail.</summary>
    bool Accepts(string mediaType);

    /// <summary>
    /// Writes the thumbnail of <paramref name="source"/> (of <paramref name="mediaType"/>) to <paramref name="output"/>;
    /// <see cref="Failure.Invalid"/> when the bytes cannot be read as that type. Neither stream is disposed.
    /// Exceptions mean the thumbnailer itself failed (a missing tool), and the work may be retried.
    /// </summary>
    Task<Failure?> MakeAsync(Stream source, string mediaType, Stream output, CancellationToken cancellationToken);
}
