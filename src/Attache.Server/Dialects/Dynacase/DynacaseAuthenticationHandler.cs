using System.Text.Encodings.Web;
using Attache.Core.Principals;
using Attache.Server.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Attache.Server.Dialects.Dynacase;

/// <summary>
/// The product's ways in for API clients: HTTP Basic with a principal's name and password, and a token in
/// <c>Authorization: Dynacase &lt;token&gt;</c>, the token being one of the principal's API keys. A bearer API key or
/// access token is accepted too. A request without a good credential is answered 403 in the product's envelope, as
/// the product does, with no challenge.
/// </summary>
internal sealed class DynacaseAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminKey adminKey,
    PrincipalService principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Dynacase";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (AuthorizationHeader.Credentials(Request, SchemeName, out var result) is { } token)
        {
            return await ApiKeyAuthenticationHandler.TicketForKeyAsync(adminKey, principals, token, Scheme.Name, Context.RequestAborted) is { } ticket
                ? AuthenticateResult.Success(ticket)
                : AuthenticateResult.Fail("Unknown token, or its principal is disabled.");
        }

        if (result.Failure is not null)
        {
            return result;
        }

        foreach (var scheme in (string[])[AuthSchemes.Basic, AuthSchemes.ApiKey, AuthSchemes.AccessToken])
        {
            var other = await Context.AuthenticateAsync(scheme);
            if (!other.None)
            {
                return other;
            }
        }

        return AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        DynacaseErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, DynacaseErrors.Unauthenticated, "The user must be authenticated.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        DynacaseErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, DynacaseErrors.Unauthenticated, "The user must be authenticated.");
}
