namespace Attache.Server.Auth;

/// <summary>
/// Refuses (403) a state-changing request that a browser sent from another site with the session cookie: SameSite=Lax
/// keeps the cookie off most such requests, and this covers the rest (older browsers, same-site subdomains). Requests
/// authenticated by an API key or a token carry no ambient credential and pass.
/// </summary>
internal sealed class CrossSiteCookieFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
            && http.User.Identities.FirstOrDefault(i => i.IsAuthenticated)?.AuthenticationType == AuthSchemes.Session
            && IsCrossSite(http.Request))
        {
            return TypedResults.Problem(
                "A request that changes something may not come from another site with the session cookie; send it from this site, or with an API key or token.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        return await next(context);
    }

    /// <summary>True when the browser says the request came from elsewhere: <c>Sec-Fetch-Site</c>, else <c>Origin</c>.</summary>
    internal static bool IsCrossSite(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"].ToString() is { Length: > 0 } site)
        {
            return site is not ("same-origin" or "none");
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0
            && !string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
    }
}
