using System.Security.Claims;
using System.Text.Encodings.Web;
using Attache.Core.Principals;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Attache.Server.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;api key&gt;</c>.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminKey adminKey)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string AdminClaim = "attache:admin";
    private const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (headers.Count > 1 || headers[0] is not { } header
            || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            || header.Length == BearerPrefix.Length)
        {
            return Task.FromResult(AuthenticateResult.Fail("Malformed Authorization header."));
        }

        if (!adminKey.Matches(header[BearerPrefix.Length..].Trim()))
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "admin"), new Claim(AdminClaim, "true")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"attache\"";
        return base.HandleChallengeAsync(properties);
    }

    /// <summary>The core's view of an authenticated request.</summary>
    public static Caller ToCaller(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? throw new InvalidOperationException("An authenticated principal has a name."),
            user.HasClaim(AdminClaim, "true"),
            user.FindAll(ClaimTypes.GroupSid).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
}
