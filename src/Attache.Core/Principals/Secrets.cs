using System.Security.Cryptography;
using System.Text;

namespace Attache.Core.Principals;

/// <summary>
/// The one place secrets are compared. A presented secret is reduced to its SHA-256 and compared with the stored digest
/// in time that does not depend on where they differ, so a caller cannot learn a key byte by byte from response times.
/// BannedSymbols.Secrets.txt bans the ordinary comparisons over bytes in the projects that handle secrets.
/// </summary>
public static class Secrets
{
    /// <summary>Bytes in a digest (SHA-256).</summary>
    public const int DigestBytes = 32;

    /// <summary>
    /// True when both are the same non-empty bytes; the time taken depends only on the lengths, never on the content.
    /// Empty never matches: an empty digest or MAC stands for "none configured", not for a secret.
    /// </summary>
    public static bool Equal(ReadOnlySpan<byte> presented, ReadOnlySpan<byte> expected) =>
#pragma warning disable RS0030 // This is the helper the ban points at.
        presented.Length == expected.Length && !expected.IsEmpty && CryptographicOperations.FixedTimeEquals(presented, expected);
#pragma warning restore RS0030

    /// <summary>True when both texts (stored hashes, for instance) are the same; constant time over their UTF-8 bytes.</summary>
    public static bool EqualText(string? presented, string? expected) =>
        presented is not null && expected is not null && Equal(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    /// <summary>The SHA-256 of a secret's UTF-8 bytes: its stored, comparable form.</summary>
    public static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The digest in lower-case hex: the key a store indexes secrets by, so looking one up never compares the secret.</summary>
    public static string DigestHex(string secret) => Convert.ToHexStringLower(Digest(secret));

    /// <summary>True when <paramref name="presented"/> is the secret whose digest is <paramref name="digest"/>.</summary>
    public static bool Matches(string presented, ReadOnlySpan<byte> digest) => Equal(Digest(presented), digest);
}
