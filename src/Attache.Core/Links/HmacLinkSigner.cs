using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Core.Links;

/// <summary>Link keys by id, and which one signs. Verification accepts every key here.</summary>
public sealed class LinkKeyRing
{
    /// <summary>Shortest key accepted: HMAC-SHA256's own block of security.</summary>
    public const int MinKeyBytes = 32;

    public const int MaxKeyIdLength = 16;

    private readonly Dictionary<string, byte[]> _keys;

    public LinkKeyRing(IReadOnlyDictionary<string, byte[]> keys, string currentKeyId)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var (id, key) in keys)
        {
            if (!IsValidKeyId(id))
            {
                throw new ArgumentException($"Link key id '{id}' must be 1 to {MaxKeyIdLength} letters, digits, '_' or '-'.", nameof(keys));
            }

            if (key.Length < MinKeyBytes)
            {
                throw new ArgumentException($"Link key '{id}' has {key.Length} bytes; at least {MinKeyBytes} are needed.", nameof(keys));
            }
        }

        if (!keys.ContainsKey(currentKeyId))
        {
            throw new ArgumentException($"The current link key '{currentKeyId}' is not among the keys.", nameof(currentKeyId));
        }

        _keys = keys.ToDictionary(k => k.Key, k => k.Value.ToArray(), StringComparer.Ordinal);
        CurrentKeyId = currentKeyId;
    }

    public string CurrentKeyId { get; }

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    public static bool IsValidKeyId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxKeyIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    internal byte[]? Find(string id) => _keys.GetValueOrDefault(id);
}

/// <summary>
/// Tokens of the form <c>base64url(payload) "." base64url(HMAC-SHA256(key, payload))</c>, where the payload is the
/// ASCII lines <c>a2</c>, key id, file id, version, expiry (Unix seconds) and the version's digest (16 lower-case hex
/// digits of its SHA-256); tokens in the earlier form <c>a1</c>, without the digest, are still verified. Every part is
/// covered by the MAC, compared in constant time; anything that is not exactly what <see cref="Sign"/> writes is refused.
/// </summary>
public sealed class HmacLinkSigner(LinkKeyRing ring) : ILinkSigner
{
    /// <summary>Far above the longest real token (a 128-character file id gives about 360), far below any header limit.</summary>
    public const int MaxTokenLength = 512;

    private const string Format = "a2";
    private const string FormatWithoutDigest = "a1";
    private const int MacBytes = 32;

    public string Sign(LinkClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        if (!Ids.IsValidId(claims.FileId) || claims.Version < 1)
        {
            throw new ArgumentException("A link names a valid file id and a version from 1.", nameof(claims));
        }

        if (claims.Digest is { } digest && !IsDigest(digest))
        {
            throw new ArgumentException($"A link's digest is {LinkClaims.DigestLength} lower-case hex digits.", nameof(claims));
        }

        string[] fields =
        [
            claims.Digest is null ? FormatWithoutDigest : Format,
            ring.CurrentKeyId,
            claims.FileId,
            claims.Version.ToString(CultureInfo.InvariantCulture),
            claims.Expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        ];
        var payload = Encoding.ASCII.GetBytes(string.Join('\n', claims.Digest is null ? fields : [.. fields, claims.Digest]));
        var mac = HMACSHA256.HashData(ring.Find(ring.CurrentKeyId)!, payload);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(mac);
    }

    public LinkClaims? Verify(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot != token.LastIndexOf('.') || !TryDecode(token.AsSpan(0, dot), out var payload)
            || !TryDecode(token.AsSpan(dot + 1), out var mac) || mac.Length != MacBytes)
        {
            return null;
        }

        var fields = Encoding.ASCII.GetString(payload).Split('\n');
        var hasDigest = fields[0] == Format;
        if (fields.Length != (hasDigest ? 6 : 5) || (!hasDigest && fields[0] != FormatWithoutDigest) || ring.Find(fields[1]) is not { } key)
        {
            return null;
        }

        if (!Secrets.Equal(HMACSHA256.HashData(key, payload), mac))
        {
            return null;
        }

        // Only our own writing gets this far; the checks below guard against a key that signed something else.
        if (!Ids.IsValidId(fields[2]) || !TryParseCanonical(fields[3], out var version) || version is < 1 or > int.MaxValue
            || !TryParseCanonical(fields[4], out var expires) || expires > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (hasDigest && !IsDigest(fields[5])))
        {
            return null;
        }

        return new LinkClaims(fields[2], (int)version, DateTimeOffset.FromUnixTimeSeconds(expires), fields[1], hasDigest ? fields[5] : null);
    }

    // Strict: only base64url characters without padding, and only the one spelling Sign writes (no stray low bits).
    private static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        if (text.IsEmpty || text.Length % 4 == 1)
        {
            return false;
        }

        var buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (Base64Url.DecodeFromChars(text, buffer, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        bytes = buffer[..written];
#pragma warning disable RS0030 // The presented text against its own canonical spelling: both sides are the caller's input, no secret.
        return Base64Url.EncodeToString(bytes).AsSpan().SequenceEqual(text);
#pragma warning restore RS0030
    }

    private static bool IsDigest(string text) =>
        text.Length == LinkClaims.DigestLength && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static bool TryParseCanonical(string text, out long value)
    {
        value = 0;
        return text.Length is > 0 and <= 18 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0')
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
