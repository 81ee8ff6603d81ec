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

        if (await TicketForKeyAsync(adminKey, principals, key, Scheme.Name, Context.RequestAborted) is { } ticket)
        {
            return AuthenticateResult.Success(ticket);
        }

        // A chosen key (imported or configured) may have the shape of an access token; what is not a key is left to that scheme.
        return AuthorizationHeader.LooksLikeJwt(key)
            ? AuthenticateResult.NoResult()
            : AuthenticateResult.Fail("Unknown API key, or its principal is disabled.");
    }

    /// <summary>The ticket of the configured admin key or of the principal holding the key; null when it is neither.</summary>
    internal static async Task<AuthenticationTicket?> TicketForKeyAsync(
        AdminKey adminKey, PrincipalService principals, string key, string scheme, CancellationToken cancellationToken)
    {
        if (adminKey.Matches(key))
        {
            return new PrincipalClaims.AuthenticationTicketBuilder(PrincipalService.AdminName, true, [PrincipalGroups.Administrators]).Ticket(scheme);
        }

        return await principals.AuthenticateApiKeyAsync(key, cancellationToken) is { } principal
            ? PrincipalClaims.For(principal).Ticket(scheme)
            : null;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append("WWW-Authenticate", "Bearer realm=\"attache\"");
        return Task.CompletedTask;
    }
}
