using System.Text.Encodings.Web;
using Attache.Core.Principals;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Attache.Server.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;api key&gt;</c>: the configured admin key, or a principal's key.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminKey adminKey,
    PrincipalService principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = AuthSchemes.ApiKey;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (AuthorizationHeader.Credentials(Request, "Bearer", out var result) is not { } key)
        {
            return result;
        }

        if (adminKey.Matches(key))
        {
            return AuthenticateResult.Success(new PrincipalClaims.AuthenticationTicketBuilder(
                PrincipalService.AdminName, true, [PrincipalGroups.Administrators]).Ticket(Scheme.Name));
        }

        if (await principals.AuthenticateApiKeyAsync(key, Context.RequestAborted) is { } principal)
        {
            return AuthenticateResult.Success(PrincipalClaims.For(principal).Ticket(Scheme.Name));
        }

        // A chosen key (imported or configured) may have the shape of an access token; what is not a key is left to that scheme.
        return AuthorizationHeader.LooksLikeJwt(key)
            ? AuthenticateResult.NoResult()
            : AuthenticateResult.Fail("Unknown API key, or its principal is disabled.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append("WWW-Authenticate", "Bearer realm=\"attache\"");
        return Task.CompletedTask;
    }
}
