using System.Text.Encodings.Web;
using Attache.Core.Principals;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Attache.Server.Auth;

/// <summary>Authenticates the session cookie set by <c>POST /v1/sessions</c>; the session lives in the metadata store.</summary>
internal sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PrincipalService principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string CookieName = "attache_session";

    /// <summary>Longer values are not ours: a session token is 43 characters.</summary>
    private const int MaxTokenLength = 64;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var token) || string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        if (token.Length > MaxTokenLength)
        {
            return AuthenticateResult.Fail("Malformed session cookie.");
        }

        return await principals.AuthenticateSessionAsync(token, Context.RequestAborted) is { } principal
            ? AuthenticateResult.Success(PrincipalClaims.For(principal).Ticket(Scheme.Name))
            : AuthenticateResult.Fail("The session ended or expired, or its principal is disabled.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    /// <summary>The cookie for a new session: HttpOnly, Secure, SameSite=Lax, expiring with the session.</summary>
    public static CookieOptions CookieFor(DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
