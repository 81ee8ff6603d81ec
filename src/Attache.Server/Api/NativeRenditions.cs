using Attache.Core;
using Attache.Core.Downloads;
using Attache.Core.Renditions;
using Attache.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Attache.Server.Api;

/// <summary>
/// Content negotiation for <c>/v1/files/{id}/content</c>: a transcript asked for as plain text, DOCX or PDF is served
/// as its cached rendition; everything else, and anything asked for in another type, as stored.
/// </summary>
internal static class NativeRenditions
{
    /// <summary>The plan of what to send; null when every rendering turn and queue place is taken.</summary>
    public static async Task<Outcome<DownloadPlan>?> ResolveAsync(
        HttpContext http, string id, DownloadService downloads, RenditionService renditions, RenditionGate gate, CancellationToken cancellationToken)
    {
        // The representation depends on these headers, so shared caches must key on them.
        http.Response.Headers.Vary = "Accept, Accept-Charset";
        var (format, charset) = Negotiate(http.Request);
        if (format is null)
        {
            return await downloads.ResolveAsync(http.Caller(), id, null, cancellationToken);
        }

        using var turn = await gate.EnterAsync(cancellationToken);
        return turn.IsAcquired ? await renditions.ResolveAsync(http.Caller(), id, format, charset, cancellationToken) : default(Outcome<DownloadPlan>?);
    }

    /// <summary>503 with Retry-After: the renderers are busy and their queue is full.</summary>
    public static ProblemHttpResult Busy(HttpContext http)
    {
        RenditionGate.AskToRetryLater(http.Response);
        return TypedResults.Problem(
            "Every rendering turn is taken; try again after Retry-After seconds.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Busy");
    }

    /// <summary>
    /// The rendition format the client prefers, null for the stored bytes: media ranges by quality, then by how specific
    /// they are, then in the order sent. A <c>charset</c> parameter on the text range wins over <c>Accept-Charset</c>.
    /// </summary>
    internal static (RenditionFormat? Format, string? Charset) Negotiate(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var ranges))
        {
            return (null, null);
        }

        // A type given q=0 is not acceptable, even where a wildcard range would take it.
        var refused = ranges
            .Where(r => r.Quality == 0 && !r.MatchesAllSubTypes && StringSegment.IsNullOrEmpty(r.Charset))
            .Select(r => r.MediaType.Value?.ToLowerInvariant())
            .ToHashSet();
        var ordered = ranges
            .Select((range, index) => (Range: range, Index: index))
            .Where(r => (r.Range.Quality ?? 1) > 0)
            .OrderByDescending(r => r.Range.Quality ?? 1)
            .ThenByDescending(r => r.Range.MatchesAllTypes ? 0 : r.Range.MatchesAllSubTypes ? 1 : 2)
            .ThenBy(r => r.Index);
        foreach (var (range, _) in ordered)
        {
            var type = range.MediaType.Value?.ToLowerInvariant();
            if (type is "*/*" or "application/*" or "application/json" or Transcripts.MediaType)
            {
                return (null, null);
            }

            if ((type is "text/plain" or "text/*") && !refused.Contains("text/plain"))
            {
                return (RenditionFormat.Text, TranscriptCharsets.Normalize(range.Charset.Value) ?? PreferredCharset(request));
            }

            if (RenditionFormat.All.FirstOrDefault(f => f.MediaType == type) is { } format)
            {
                return (format, null);
            }
        }

        return (null, null);
    }

    private static string? PreferredCharset(HttpRequest request)
    {
        if (!StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptCharset, out var charsets))
        {
            return null;
        }

        return charsets
            .Where(c => (c.Quality ?? 1) > 0)
            .OrderByDescending(c => c.Quality ?? 1)
            .Select(c => c.Value.Value == "*" ? TranscriptCharsets.Utf8 : TranscriptCharsets.Normalize(c.Value.Value))
            .FirstOrDefault(c => c is not null);
    }
}
