using System.Security.Claims;
using System.Text.Encodings.Web;
using Attache.Core.Principals;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Attache.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;access token&gt;</c>. The principal is read again on every request, so
/// disabling it stops its live tokens at once.
/// </summary>
internal sealed class AccessTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessTokens tokens,
    PrincipalService principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Claims copied from the token onto the request's principal, for dialects that read them.</summary>
    public const string TokenClaimPrefix = "token:";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (AuthorizationHeader.Credentials(Request, "Bearer", out var result) is not { } token)
        {
            return result;
        }

        if (!AuthorizationHeader.LooksLikeJwt(token))
        {
            return AuthenticateResult.NoResult();
        }

        if (await tokens.ValidateAsync(token, Context.RequestAborted) is not { } claims
            || claims.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is not { } name)
        {
            return AuthenticateResult.Fail("Invalid or expired access token.");
        }

        if (await principals.FindEnabledAsync(name, Context.RequestAborted) is not { } principal)
        {
            return AuthenticateResult.Fail("The token's principal is unknown or disabled.");
        }

        var extra = claims.Claims
            .Where(c => c.Type is not (JwtRegisteredClaimNames.Sub or JwtRegisteredClaimNames.Iss or JwtRegisteredClaimNames.Aud
                or JwtRegisteredClaimNames.Exp or JwtRegisteredClaimNames.Nbf or JwtRegisteredClaimNames.Iat))
            .Select(c => new Claim(TokenClaimPrefix + c.Type, c.Value));
        return AuthenticateResult.Success(PrincipalClaims.For(principal).Ticket(Scheme.Name, extra));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}
