using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Attache.Core.Principals;

/// <summary>
/// Makes and checks secrets. Random secrets (API keys, session ids) have 256 bits of entropy, so their SHA-256 is a safe
/// stored form; chosen secrets (passwords, client secrets) go through the framework's salted, slow password hasher.
/// </summary>
public sealed class Credentials
{
    private const string ApiKeyPrefix = "atk_";
    private readonly PasswordHasher<Principal> _hasher = new();
    private readonly string _decoyHash;

    public Credentials() => _decoyHash = _hasher.HashPassword(null!, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    /// <summary>A new API key: a recognisable prefix and 32 random bytes, URL-safe.</summary>
    public static string NewApiKey() => ApiKeyPrefix + RandomToken();

    /// <summary>32 random bytes, URL-safe base64 without padding.</summary>
    public static string RandomToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The form a random secret is stored and looked up in (<see cref="Secrets.DigestHex"/>).</summary>
    public static string Sha256Hex(string secret) => Secrets.DigestHex(secret);

    public string HashPassword(string password) => _hasher.HashPassword(null!, password);

    /// <summary>
    /// Checks a password against a stored hash. With no hash, a decoy is checked instead, so an unknown name costs as
    /// much time as a wrong password.
    /// </summary>
    public bool VerifyPassword(string? hash, string password)
    {
        var result = _hasher.VerifyHashedPassword(null!, hash ?? _decoyHash, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
