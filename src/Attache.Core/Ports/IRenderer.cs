using Attache.Core.Renditions;

namespace Attache.Core.Ports;

/// <summary>What to render a transcript to, and the document properties its caption comes from.</summary>
public sealed record RenderRequest(RenditionFormat Format, string Charset, IReadOnlyDictionary<string, string> Properties);

/// <summary>
/// Turns a stored transcript (Rev transcript JSON) into a rendition. The output is a pure function of the source bytes,
/// the request and <see cref="Revision"/>: the same input gives the same bytes. Implementations are thread-safe.
/// </summary>
public interface IRenderer
{
    /// <summary>Names the layout; a renderer that lays out differently must change it, since it is part of every cache key.</summary>
    string Revision { get; }

    /// <summary>
    /// Reads <paramref name="source"/> and writes the rendition to <paramref name="destination"/> (neither is disposed).
    /// Answers <see cref="Failure.Invalid"/> naming the JSON path when the source is not a transcript; null on success,
    /// when <paramref name="destination"/> may be partly written and must be discarded.
    /// </summary>
    Task<Failure?> RenderAsync(Stream source, RenderRequest request, Stream destination, CancellationToken cancellationToken);
}
