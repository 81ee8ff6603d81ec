using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Attache.Core;
using Attache.Core.Links;

namespace Attache.Fuzz;

/// <summary>
/// <see cref="HmacLinkSigner.Verify"/>: claims or null. A random token never carries a valid MAC, so an input that
/// starts with <c>!</c> is a payload the harness signs with a key of the ring before verifying it; that reaches the
/// field checks behind the MAC. Accepted claims must be valid and sign back to the very same token.
/// </summary>
public sealed class LinkTokenTarget : IFuzzTarget
{
    public const string TargetName = "link-token";

    private const byte SignPrefix = (byte)'!';

    private static readonly Dictionary<string, byte[]> Keys = new(StringComparer.Ordinal)
    {
        ["k1"] = SHA256.HashData("attache fuzz link key one"u8),
        ["old"] = SHA256.HashData("attache fuzz link key two"u8),
    };

    private readonly HmacLinkSigner _verifier = new(new LinkKeyRing(Keys, "k1"));

    private readonly Dictionary<string, HmacLinkSigner> _signers =
        Keys.Keys.ToDictionary(id => id, id => new HmacLinkSigner(new LinkKeyRing(Keys, id)), StringComparer.Ordinal);

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input) => Verify(input);

    /// <summary>The claims the signer accepts for this input, checked; null when it refuses the token.</summary>
    public LinkClaims? Verify(ReadOnlySpan<byte> input)
    {
        var token = !input.IsEmpty && input[0] == SignPrefix ? SignedToken(input[1..]) : Encoding.Latin1.GetString(input);
        if (_verifier.Verify(token) is not { } claims)
        {
            return null;
        }

        FuzzTargets.Require(Ids.IsValidId(claims.FileId), $"invalid file id '{claims.FileId}' accepted");
        FuzzTargets.Require(claims.Version >= 1, $"version {claims.Version} accepted");
        FuzzTargets.Require(claims.Digest is null || claims.Digest.Length == LinkClaims.DigestLength, "a malformed digest accepted");
        FuzzTargets.Require(_signers.TryGetValue(claims.KeyId, out var signer), $"unknown key '{claims.KeyId}' accepted");
        FuzzTargets.Require(signer!.Sign(claims) == token, "an accepted token is not the one its claims sign to");
        return claims;
    }

    // The key id is the payload's second line; a payload naming no key of the ring is signed with the current one.
    private static string SignedToken(ReadOnlySpan<byte> payload)
    {
        var lines = Encoding.Latin1.GetString(payload).Split('\n');
        var key = lines.Length > 1 && Keys.TryGetValue(lines[1], out var named) ? named : Keys["k1"];
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(key, payload));
    }
}
