using Attache.Core.Principals;
using Attache.Server.Auth;

namespace Attache.Server.Dialects.RevLegal;

/// <summary>
/// Rev's <c>Authorization: Rev &lt;clientApiKey&gt;:&lt;userApiKey&gt;</c>: the client key is an API key of an enabled
/// principal of kind <c>client</c> (the integration), the user key one of an enabled principal of kind <c>user</c>, who
/// is the caller. Anything else is 401 with an empty body.
/// </summary>
internal sealed class RevAuthentication(PrincipalService principals) : IEndpointFilter
{
    public const string Scheme = "Rev";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (await AuthenticateAsync(http.Request, http.RequestAborted) is not { } user)
        {
            http.Response.Headers.WWWAuthenticate = $"{Scheme} realm=\"attache\"";
            return TypedResults.Unauthorized();
        }

        http.User = PrincipalClaims.For(user).Ticket(Scheme).Principal;
        return await next(context);
    }

    private async Task<Principal?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Authorization;
        if (headers.Count != 1 || headers[0] is not { } header
            || header.Length <= Scheme.Length + 1 || header[Scheme.Length] != ' '
            || !header.AsSpan(0, Scheme.Length).Equals(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var keys = header[(Scheme.Length + 1)..].Trim();
        var colon = keys.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1 || colon == keys.Length - 1)
        {
            return null;
        }

        // Both keys are looked up by their SHA-256, so both cost the same whether or not the first one is known.
        var client = await principals.AuthenticateApiKeyAsync(keys[..colon], cancellationToken);
        var user = await principals.AuthenticateApiKeyAsync(keys[(colon + 1)..], cancellationToken);
        return client?.Kind == PrincipalKinds.Client && user?.Kind == PrincipalKinds.User ? user : null;
    }
}
