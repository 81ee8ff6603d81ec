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
    /// <summary>The __Host- prefix makes browsers keep it only when Secure, with Path=/ and no Domain: no other host can set it.</summary>
    public const string CookieName = "__Host-attache_session";

    /// <summary>Longer values are not ours: a session token is 43 characters.</summary>
    private const int MaxTokenLength = 64;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var token) || string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        // A bearer credential speaks for the request: a wrong or revoked one is not rescued by the cookie sent along with
        // it, nor is a good one replaced by the cookie's principal.
        if (CarriesBearer(Request))
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

    private static bool CarriesBearer(HttpRequest request) =>
        request.Headers.Authorization.Any(value => value is { Length: >= 6 } header
            && header.AsSpan(0, 6).Equals("Bearer", StringComparison.OrdinalIgnoreCase)
            && (header.Length == 6 || header[6] == ' '));

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
