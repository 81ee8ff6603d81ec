using System.Security.Claims;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Attache.Server.Auth;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Attache.Server.Dialects.DocumentApi;

/// <summary>
/// The dialect's access tokens: HS256 JWTs signed with the server's token key, for the end user (<c>sub</c>), carrying
/// the device fingerprint and the client that vouched for the user. Their audience is the dialect's own, so the native
/// API refuses them and this dialect refuses native tokens.
/// </summary>
internal sealed class DocumentApiTokens(AccessTokens tokens, PrincipalService principals)
{
    public const string FingerprintClaim = "fingerprint";
    public const string ClientClaim = "client";
    public const string EmailClaim = "email";

    public static DocumentApiTokens Create(IServiceProvider services, DocumentApiOptions options)
    {
        var native = services.GetRequiredService<AccessTokenOptions>();
        var own = new AccessTokenOptions
        {
            SigningKey = native.SigningKey,
            Issuer = native.Issuer,
            Audience = options.TokenAudience,
            Lifetime = options.TokenLifetime,
        };
        return new DocumentApiTokens(
            new AccessTokens(own, services.GetRequiredService<ISecretStore>(), services.GetRequiredService<TimeProvider>()),
            services.GetRequiredService<PrincipalService>());
    }

    public Task<IssuedToken> IssueAsync(Principal user, Principal client, string fingerprint, CancellationToken cancellationToken) =>
        tokens.IssueAsync(user, [new Claim(FingerprintClaim, fingerprint), new Claim(ClientClaim, client.Name), new Claim(EmailClaim, user.Email ?? "")], cancellationToken);

    /// <summary>
    /// The caller of a request with exactly one <c>Authorization: Bearer</c> header holding a valid token of this dialect
    /// whose user and client are both still enabled; otherwise null.
    /// </summary>
    public async Task<Caller?> AuthenticateAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (AuthorizationHeader.Credentials(http.Request, "Bearer", out _) is not { } token || !AuthorizationHeader.LooksLikeJwt(token))
        {
            return null;
        }

        if (await tokens.ValidateAsync(token, cancellationToken) is not { } claims
            || claims.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is not { } name
            || claims.FindFirst(ClientClaim)?.Value is not { } clientName
            || claims.FindFirst(FingerprintClaim) is null)
        {
            return null;
        }

        // A disabled client's users lose their tokens at once, as a disabled user does.
        if (await principals.FindEnabledAsync(clientName, cancellationToken) is null
            || await principals.FindEnabledAsync(name, cancellationToken) is not { } user)
        {
            return null;
        }

        return user.ToCaller() with { Origin = Callers.Origin(http) };
    }
}
