using Attache.Core;
using Attache.Core.Links;
using Attache.Server.Auth;
using Attache.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Api;

/// <summary>
/// Presigned links: <c>POST /v1/files/{id}/links</c> issues one, <c>GET</c>/<c>HEAD /l/{token}</c> downloads through it
/// with no other credential.
/// </summary>
internal static class LinkEndpoints
{
    public const string PathBase = "/l";

    private static readonly DownloadOptions LinkDownload = new()
    {
        CacheControl = "private, no-store",
        ExtraHeaders = response => response.Headers["Referrer-Policy"] = "no-referrer",
    };

    /// <summary>Maps the issuing endpoint into the native API group.</summary>
    public static RouteGroupBuilder MapLinkIssuing(this RouteGroupBuilder api)
    {
        api.MapPost("/files/{id}/links", IssueAsync);
        return api;
    }

    public static RouteGroupBuilder MapLinks(this IEndpointRouteBuilder endpoints)
    {
        var links = endpoints.MapGroup(PathBase).AllowAnonymous().WithTags("links");
        links.MapMethods("/{token}", [HttpMethods.Get, HttpMethods.Head], DownloadAsync);
        return links;
    }

    private static async Task<Results<Ok<LinkModel>, ProblemHttpResult>> IssueAsync(
        string id, CreateLinkRequest? request, HttpContext http, LinkService links, CancellationToken cancellationToken)
    {
        var outcome = await links.IssueAsync(http.Caller(), id, request?.TtlSeconds, cancellationToken);
        if (!outcome.TryGetValue(out var link, out var failure))
        {
            return failure.ToProblem();
        }

        // The answer holds the credential: no cache may keep it, as with a new API key.
        http.Response.Headers.CacheControl = "no-store";
        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{PathBase}/{link.Token}";
        return TypedResults.Ok(new LinkModel(url, link.ExpiresAt, link.FileId, link.Version));
    }

    private static async Task<Results<DownloadResult, ProblemHttpResult>> DownloadAsync(
        string token, HttpContext http, LinkService links, CancellationToken cancellationToken)
    {
        // The URL is the credential: keep it out of caches and of the Referer of anything the content links to.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";

        // A link is exactly what was issued; nothing may be added to it.
        if (http.Request.QueryString.HasValue)
        {
            return new Failure.Forbidden("The link is not valid.").ToProblem();
        }

        var outcome = await links.ResolveAsync(token, Callers.Origin(http), cancellationToken);
        return outcome.TryGetValue(out var plan, out var failure) ? new DownloadResult(plan, LinkDownload) : failure.ToProblem();
    }
}

internal sealed record CreateLinkRequest(long? TtlSeconds);

internal sealed record LinkModel(string Url, DateTimeOffset ExpiresAt, string FileId, int Version);
