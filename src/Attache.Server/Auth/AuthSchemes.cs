namespace Attache.Server.Auth;

/// <summary>The authentication schemes; each endpoint group picks its own through a policy.</summary>
internal static class AuthSchemes
{
    public const string ApiKey = "ApiKey";
    public const string AccessToken = "AccessToken";
    public const string Session = "Session";
    public const string Basic = "Basic";

    /// <summary>The native API: a bearer API key or access token, or the session cookie.</summary>
    public const string NativePolicy = "Native";
}
