using System.Text;
using Microsoft.AspNetCore.Authentication;

namespace Attache.Server.Auth;

/// <summary>Reads <c>Authorization: &lt;scheme&gt; &lt;credentials&gt;</c> for one scheme, leaving other schemes to their handlers.</summary>
internal static class AuthorizationHeader
{
    /// <summary>
    /// The credentials after <paramref name="scheme"/>; null with <paramref name="result"/> NoResult when the header is
    /// absent or names another scheme, or Fail when it is repeated or empty.
    /// </summary>
    public static string? Credentials(HttpRequest request, string scheme, out AuthenticateResult result)
    {
        var headers = request.Headers.Authorization;
        result = AuthenticateResult.NoResult();
        if (headers.Count == 0)
        {
            return null;
        }

        if (headers.Count > 1)
        {
            result = AuthenticateResult.Fail("More than one Authorization header.");
            return null;
        }

        var header = headers[0] ?? "";
        if (header.Length <= scheme.Length || header[scheme.Length] != ' '
            || !header.AsSpan(0, scheme.Length).Equals(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var credentials = header[(scheme.Length + 1)..].Trim();
        if (credentials.Length == 0)
        {
            result = AuthenticateResult.Fail($"Empty {scheme} credentials.");
            return null;
        }

        return credentials;
    }

    /// <summary>True for the shape of a JSON Web Token (three dot-separated parts): the API key scheme leaves such a value it does not hold to the access token scheme.</summary>
    public static bool LooksLikeJwt(string token) => token.AsSpan().Count('.') == 2;

    /// <summary>
    /// The name and secret of HTTP Basic credentials (RFC 7617): base64 of UTF-8 <c>name:secret</c>, the name not empty.
    /// Null when they are not that.
    /// </summary>
    public static (string Name, string Secret)? BasicPair(string encoded)
    {
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var written))
        {
            return null;
        }

        string pair;
        try
        {
            pair = StrictUtf8.GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        return colon < 1 ? null : (pair[..colon], pair[(colon + 1)..]);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
}
