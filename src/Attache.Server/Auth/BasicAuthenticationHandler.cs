using System.Text.Encodings.Web;
using Attache.Core.Principals;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Attache.Server.Auth;

/// <summary>Authenticates <c>Authorization: Basic</c> (RFC 7617) with a principal's name and password, read as UTF-8.</summary>
internal sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PrincipalService principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const int MaxCredentialsLength = 4096;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (AuthorizationHeader.Credentials(Request, "Basic", out var result) is not { } encoded)
        {
            return result;
        }

        if (encoded.Length > MaxCredentialsLength || AuthorizationHeader.BasicPair(encoded) is not var (name, password))
        {
            return AuthenticateResult.Fail("Malformed Basic credentials.");
        }

        return await principals.AuthenticatePasswordAsync(name, password, Context.RequestAborted) is { } principal
            ? AuthenticateResult.Success(PrincipalClaims.For(principal).Ticket(Scheme.Name))
            : AuthenticateResult.Fail("Wrong name or password, or the principal is disabled.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append("WWW-Authenticate", "Basic realm=\"attache\", charset=\"UTF-8\"");
        return Task.CompletedTask;
    }
}
