using System.Security.Claims;
using System.Security.Cryptography;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attache.Server.Auth;

/// <summary>The <c>Attache:Tokens</c> configuration section.</summary>
internal sealed class AccessTokenOptions
{
    public const string SectionName = "Attache:Tokens";

    /// <summary>Base64 of at least 32 bytes. When absent, a key is made on first start and kept in the metadata store, so every node shares it.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "attache";

    public string Audience { get; set; } = "attache";

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>A signed access token and when it stops being accepted.</summary>
internal sealed record IssuedToken(string Token, DateTimeOffset Expires);

/// <summary>
/// Issues and validates HS256 JSON Web Tokens. Validation checks the signature, issuer, audience, lifetime and that the
/// algorithm is HS256: unsigned (<c>alg: none</c>) and other algorithms are refused.
/// </summary>
internal sealed class AccessTokens(AccessTokenOptions options, ISecretStore secrets, TimeProvider time)
{
    public const string Algorithm = SecurityAlgorithms.HmacSha256;
    private const string StoredKeyName = "tokens:signing-key";
    private const int MinKeyBytes = 32;
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };
    private Task<SymmetricSecurityKey>? _key;

    public TimeSpan Lifetime => options.Lifetime;

    public async Task<IssuedToken> IssueAsync(Principal principal, IEnumerable<Claim>? extra, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var key = await KeyAsync(cancellationToken);
        var now = time.GetUtcNow();
        var expires = now + options.Lifetime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = principal.Name,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        foreach (var claim in extra ?? [])
        {
            claims[claim.Type] = claim.Value;
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, Algorithm),
        });
        return new IssuedToken(token, expires);
    }

    /// <summary>The token's claims when it is valid now; otherwise null.</summary>
    public async Task<ClaimsIdentity?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var key = await KeyAsync(cancellationToken);
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [Algorithm],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = ClockSkew,
            LifetimeValidator = (notBefore, expires, _, _) => IsLive(notBefore, expires),
        });
        return result.IsValid ? result.ClaimsIdentity : null;
    }

    /// <summary>Lifetime against the server's clock (the library's own check reads the system clock).</summary>
    private bool IsLive(DateTime? notBefore, DateTime? expires)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return expires is { } end && now < end.ToUniversalTime() + ClockSkew
            && (notBefore is not { } start || start.ToUniversalTime() - ClockSkew <= now);
    }

    /// <summary>Loads the signing key now (at start), so that the first request does not.</summary>
    public Task LoadKeyAsync(CancellationToken cancellationToken) => KeyAsync(cancellationToken);

    private Task<SymmetricSecurityKey> KeyAsync(CancellationToken cancellationToken) => _key ??= ReadKeyAsync(cancellationToken);

    private async Task<SymmetricSecurityKey> ReadKeyAsync(CancellationToken cancellationToken)
    {
        var encoded = options.SigningKey is { Length: > 0 } configured
            ? configured
            : await secrets.GetOrAddAsync(StoredKeyName, Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinKeyBytes)), cancellationToken);
        return new SymmetricSecurityKey(Decode(encoded));
    }

    /// <summary>Checks a configured signing key at start, so a bad one stops the server with a message naming it.</summary>
    public static byte[] Decode(string encoded)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{SectionName}:SigningKey is not base64.");
        }

        return bytes.Length >= MinKeyBytes
            ? bytes
            : throw new InvalidOperationException($"{SectionName}:SigningKey must decode to at least {MinKeyBytes} bytes.");
    }

    private const string SectionName = AccessTokenOptions.SectionName;
}
