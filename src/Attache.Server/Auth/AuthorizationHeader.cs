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

    /// <summary>True for the shape of a JSON Web Token (three dot-separated parts), which the API key scheme leaves alone.</summary>
    public static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2;
}
