using Attache.Core.Documents;
using Attache.Core.Renditions;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Attache.Server.Dialects.RevLegal;

/// <summary>One way Rev serves a legal transcript: the stored JSON (no rendition) or a rendition.</summary>
internal sealed record RevRepresentation(string MediaType, string Extension, RenditionFormat? Rendition)
{
    public static readonly RevRepresentation Json = new(Transcripts.MediaType, "json", null);
    public static readonly RevRepresentation Docx = new(RenditionFormat.Docx.MediaType, "docx", RenditionFormat.Docx);
    public static readonly RevRepresentation Pdf = new(RenditionFormat.Pdf.MediaType, "pdf", RenditionFormat.Pdf);
    public static readonly RevRepresentation Text = new(RenditionFormat.Text.MediaType, "txt", RenditionFormat.Text);
}

/// <summary>
/// The seed's table of what each transcript type accepts, and RFC 9110 §12.5 negotiation over it: the URL extension
/// decides when there is one; otherwise <c>Accept</c> (each representation takes the quality of the most specific range
/// that matches it, q=0 excludes, ties go to the default); otherwise the default.
/// </summary>
internal static class RevRepresentations
{
    public const string TranscriptTypeProperty = "transcriptType";
    public const string PreferredFileTypeProperty = "preferredLegalFileType";
    public const string ReadyToCertify = "ReadyToCertify";

    /// <summary>What the document's transcript type accepts, its default first.</summary>
    public static IReadOnlyList<RevRepresentation> Available(Document document)
    {
        if (!document.Properties.TryGetValue(TranscriptTypeProperty, out var type) || type != ReadyToCertify)
        {
            // AI and Human Rough Drafts, and a transcript of no (or an unknown) type.
            return [RevRepresentation.Json, RevRepresentation.Docx, RevRepresentation.Pdf, RevRepresentation.Text];
        }

        return document.Properties.GetValueOrDefault(PreferredFileTypeProperty)?.Trim().ToLowerInvariant() switch
        {
            "docx" => [RevRepresentation.Docx, RevRepresentation.Json],
            "txt" => [RevRepresentation.Text, RevRepresentation.Json],
            _ => [RevRepresentation.Json],
        };
    }

    /// <summary>The representation to serve, or null when none is acceptable (406).</summary>
    public static RevRepresentation? Choose(IReadOnlyList<RevRepresentation> available, string? extension, StringValues accept)
    {
        if (extension is not null)
        {
            return available.FirstOrDefault(r => r.Extension.Equals(extension, StringComparison.OrdinalIgnoreCase));
        }

        // An absent, empty or unparseable Accept is no preference (RFC 9110 §12.5.1 lets a server ignore a bad one).
        if (StringValues.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0)
        {
            return available[0];
        }

        RevRepresentation? best = null;
        var bestQuality = 0.0;
        foreach (var representation in available)
        {
            var quality = Quality(representation.MediaType, ranges);
            if (quality > bestQuality)
            {
                (best, bestQuality) = (representation, quality);
            }
        }

        return best;
    }

    /// <summary>
    /// The charset for a text representation from <c>Accept-Charset</c>: UTF-8 when the header is absent (or unparseable),
    /// otherwise the supported one of highest quality (ties in Rev's order, UTF-8 first), <c>*</c> standing for any not
    /// named; null when it allows none of them (406).
    /// </summary>
    public static string? ChooseCharset(StringValues acceptCharset)
    {
        if (StringValues.IsNullOrEmpty(acceptCharset)
            || !StringWithQualityHeaderValue.TryParseList(acceptCharset, out var entries) || entries.Count == 0)
        {
            return TranscriptCharsets.Utf8;
        }

        var star = entries.FirstOrDefault(e => e.Value.Equals("*"));
        var wildcard = star is null ? 0 : star.Quality ?? 1;
        string? best = null;
        var bestQuality = 0.0;
        foreach (var charset in TranscriptCharsets.All)
        {
            var named = entries.FirstOrDefault(e => TranscriptCharsets.Normalize(e.Value.Value) == charset);
            var quality = named is null ? wildcard : named.Quality ?? 1;
            if (quality > bestQuality)
            {
                (best, bestQuality) = (charset, quality);
            }
        }

        return best;
    }

    /// <summary>True when <c>Accept</c> is absent, unparseable, or gives <paramref name="mediaType"/> a quality above 0.</summary>
    public static bool Accepts(StringValues accept, string mediaType) =>
        StringValues.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0
        || Quality(mediaType, ranges) > 0;

    private static double Quality(string mediaType, IList<MediaTypeHeaderValue> ranges)
    {
        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        var (specificity, quality) = (0, 0.0);
        foreach (var range in ranges)
        {
            var type = range.MediaType.Value ?? "";
            var rank = type.Equals(mediaType, StringComparison.OrdinalIgnoreCase) ? 3
                : range.MatchesAllTypes ? 1
                : range.MatchesAllSubTypes && type.AsSpan(0, type.Length - 1).Equals(mediaType.AsSpan(0, slash + 1), StringComparison.OrdinalIgnoreCase) ? 2
                : 0;
            if (rank > specificity)
            {
                (specificity, quality) = (rank, range.Quality ?? 1);
            }
        }

        return quality;
    }
}
