using Attache.Core.Principals;
using Attache.Server.Auth;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Api;

internal sealed record SignInRequest(string? Name, string? Password);

internal sealed record SessionModel(string Name, DateTimeOffset ExpiresAt);

internal sealed record TokenRequest(string? GrantType, string? ClientId, string? ClientSecret);

/// <summary>The credentials of a token request, and whether the client used more than one way to send them.</summary>
internal sealed record TokenCredentials(TokenRequest Request, bool MoreThanOneMethod);

/// <summary>OAuth 2.0 token response (RFC 6749 §5.1); the names are the protocol's.</summary>
internal sealed record TokenModel(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] long ExpiresIn);

/// <summary>OAuth 2.0 error response (RFC 6749 §5.2).</summary>
internal sealed record TokenErrorModel(
    [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
    [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string Description);

/// <summary>Signing in and out with the session cookie, and access tokens for clients (OAuth 2.0 client credentials).</summary>
internal static class SessionEndpoints
{
    private const string ClientCredentials = "client_credentials";

    public static void MapSessions(this IEndpointRouteBuilder endpoints)
    {
        var open = endpoints.MapGroup(NativeApiEndpoints.PathBase).AllowAnonymous().WithTags("native");
        open.MapPost("/sessions", SignInAsync);
        open.MapPost("/tokens", IssueTokenAsync);
        endpoints.MapGroup(NativeApiEndpoints.PathBase).RequireAuthorization(AuthSchemes.NativePolicy)
            .AddEndpointFilter<CrossSiteCookieFilter>()
            .MapDelete("/sessions", SignOutAsync);
    }

    private static async Task<Results<Created<SessionModel>, ProblemHttpResult>> SignInAsync(
        SignInRequest request, HttpContext http, PrincipalService principals, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Name) || request.Password is null)
        {
            return TypedResults.Problem("Both name and password are required.", statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid request", extensions: new Dictionary<string, object?> { ["field"] = request.Name is null or "" ? "name" : "password" });
        }

        var (started, wait) = await principals.StartSessionAsync(request.Name, request.Password, cancellationToken);
        if (wait is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
            return TypedResults.Problem("Too many wrong passwords for this name; try again later.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests");
        }

        if (started is null)
        {
            return TypedResults.Problem("The name or password is wrong, or the principal is disabled.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        }

        http.Response.Cookies.Append(SessionAuthenticationHandler.CookieName, started.Token,
            SessionAuthenticationHandler.CookieFor(started.Session.Expires));
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created((string?)null, new SessionModel(started.Session.Principal, started.Session.Expires));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext http, PrincipalService principals, CancellationToken cancellationToken)
    {
        if (http.Request.Cookies.TryGetValue(SessionAuthenticationHandler.CookieName, out var token) && !string.IsNullOrEmpty(token))
        {
            await principals.EndSessionAsync(token, cancellationToken);
        }

        http.Response.Cookies.Delete(SessionAuthenticationHandler.CookieName,
            SessionAuthenticationHandler.CookieFor(DateTimeOffset.UnixEpoch));
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Client credentials as RFC 6749 §4.4: form fields <c>grant_type</c>, <c>client_id</c>, <c>client_secret</c> or
    /// HTTP Basic for the last two; a JSON body <c>{grantType?, clientId, clientSecret}</c> is accepted too.
    /// </summary>
    private static async Task<IResult> IssueTokenAsync(
        HttpContext http, PrincipalService principals, AccessTokens tokens, CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "no-store";
        var credentials = await ReadTokenRequestAsync(http.Request, cancellationToken);
        if (credentials is null)
        {
            return TokenError(StatusCodes.Status400BadRequest, "invalid_request", "Send client credentials as a form or as JSON.");
        }

        if (credentials.MoreThanOneMethod)
        {
            return TokenError(StatusCodes.Status400BadRequest, "invalid_request", "Send the client secret either as HTTP Basic or in the body, not both.");
        }

        var request = credentials.Request;

        if ((request.GrantType ?? ClientCredentials) != ClientCredentials)
        {
            return TokenError(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Only client_credentials is supported.");
        }

        if (string.IsNullOrEmpty(request.ClientId) || request.ClientSecret is null)
        {
            return TokenError(StatusCodes.Status400BadRequest, "invalid_request", "client_id and client_secret are required.");
        }

        var check = await principals.CheckClientAsync(request.ClientId, request.ClientSecret, cancellationToken);
        if (check.RetryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds(wait);
            return TokenError(StatusCodes.Status429TooManyRequests, "invalid_client", "Too many wrong secrets for this client; try again later.");
        }

        if (check.Principal is not { } client)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"attache\"";
            return TokenError(StatusCodes.Status401Unauthorized, "invalid_client", "Unknown client, wrong secret, or the client is disabled.");
        }

        var issued = await tokens.IssueAsync(client, null, cancellationToken);
        return TypedResults.Ok(new TokenModel(issued.Token, "Bearer", (long)tokens.Lifetime.TotalSeconds));
    }

    /// <summary>The request's credentials; null when there are none, or the body cannot be read as a form or as JSON.</summary>
    private static async Task<TokenCredentials?> ReadTokenRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadTokenRequestBodyAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidDataException
            || (exception is IOException and not BadHttpRequestException && !cancellationToken.IsCancellationRequested))
        {
            // Kestrel's own request errors (a body over the limit) keep their status; a cut-off multipart form is the client's.
            return null;
        }
    }

    /// <summary>
    /// A token request is three short fields. A multipart form is held far below the 64 KiB at which ASP.NET Core would
    /// move a file part to a temporary file, which a crash mid-request would leave behind for good; beyond it the form is
    /// malformed (400).
    /// </summary>
    private static readonly FormOptions TokenFormOptions = new() { MultipartBodyLengthLimit = 16 * 1024 };

    private static async Task<TokenCredentials?> ReadTokenRequestBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        TokenRequest? body = null;
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(TokenFormOptions, cancellationToken);
            }
            catch (Exception exception) when (exception is ArgumentException or NotSupportedException)
            {
                // The framework's form reader accepts a part whose filename* it cannot decode (no value, UTF-7), then throws.
                throw new InvalidDataException("A part's Content-Disposition cannot be read.", exception);
            }

            body = new TokenRequest(form["grant_type"].FirstOrDefault(), form["client_id"].FirstOrDefault(), form["client_secret"].FirstOrDefault());
        }
        else if (request.HasJsonContentType())
        {
            body = await request.ReadFromJsonAsync<TokenRequest>(cancellationToken);
        }

        // RFC 6749 §2.3.1: the client id and secret are form-encoded before they are put in Basic credentials.
        if (AuthorizationHeader.Credentials(request, "Basic", out _) is { } encoded && AuthorizationHeader.BasicPair(encoded) is var (id, secret))
        {
            var basic = new TokenRequest(body?.GrantType, Uri.UnescapeDataString(id), Uri.UnescapeDataString(secret));
            return new TokenCredentials(basic, MoreThanOneMethod: body?.ClientSecret is not null);
        }

        return body is null ? null : new TokenCredentials(body, MoreThanOneMethod: false);
    }

    private static string RetryAfterSeconds(TimeSpan wait) =>
        Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonHttpResult<TokenErrorModel> TokenError(int status, string error, string description) =>
        TypedResults.Json(new TokenErrorModel(error, description), statusCode: status);
}
