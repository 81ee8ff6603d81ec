using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attache.Server.Tests.Reliability.Auth;

/// <summary>
/// Reliability §3 A (authentication) over the native API's schemes: API key, access token (HS256 JWT from client
/// credentials), the session cookie, and Basic (which only the dialects use).
/// A01 missing, empty, wrong, revoked, disabled credentials; A02 duplicate headers, query and <c>X-Api-Key</c> keys,
/// long keys and headers; A04 forged, unsigned, foreign and key-fetching tokens; A05 lifetimes with the fake clock;
/// A06 oversized tokens and JWE; A07 the client-credentials endpoint; A08 the cookie's attributes; A09 cookie replay;
/// A10 cross-site cookie writes; A11 how schemes combine.
/// Not here: A03, in <see cref="A03_SecretComparisonTests"/> (no timing test, which §3 marks optional). A04's RS256→HS256 confusion does not apply: no RSA or public key exists, only HS256 with a server-held
/// secret. A06's JWE bomb does not apply beyond the refusal below: no decryption key is configured, so a JWE is never
/// decompressed. A09's "rotated-away key ring" does not apply: sessions are random ids looked up in the store, not Data
/// Protection payloads. A08's "no cookie over plain HTTP": the cookie is always <c>Secure</c>, which browsers refuse to
/// store over HTTP; deploy.md puts TLS in front.
/// </summary>
public sealed class AuthSchemeTests : IAsyncLifetime
{
    private static readonly byte[] SigningKey = Enumerable.Range(1, 64).Select(i => (byte)i).ToArray();
    private readonly AttacheApp _app = new(new Dictionary<string, string?>
    {
        ["Attache:Tokens:SigningKey"] = Convert.ToBase64String(SigningKey),
    });

    private HttpClient _admin = null!;
    private HttpClient _anonymous = null!;

    private static CancellationToken Token => NativeApi.Token;

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        _anonymous = _app.CreateClient();
        await _admin.CreatePrincipalAsync(new { name = "alice", password = People.Password("alice"), groups = new[] { "team" } });
        await _admin.CreatePrincipalAsync(new { name = "svc", kind = "client", clientId = "svc-id", clientSecret = "svc-secret" });
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _anonymous.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A01_An_api_key_is_accepted_until_it_is_revoked_or_its_principal_disabled()
    {
        var key = await _admin.IssueKeyAsync("alice");
        using var alice = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, await alice.StatusAsync(HttpMethod.Get, "/v1/documents"));

        await Disable("alice");
        Assert.Equal(HttpStatusCode.Unauthorized, await alice.StatusAsync(HttpMethod.Get, "/v1/documents"));
        await Enable("alice");
        Assert.Equal(HttpStatusCode.OK, await alice.StatusAsync(HttpMethod.Get, "/v1/documents"));

        var keys = await _admin.GetFromJsonAsync<List<KeyInfo>>("/v1/principals/alice/api-keys", Token);
        var id = Assert.Single(keys!).Id;
        Assert.Equal(HttpStatusCode.NoContent, await _admin.StatusAsync(HttpMethod.Delete, $"/v1/principals/alice/api-keys/{id}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await alice.StatusAsync(HttpMethod.Get, "/v1/documents"));
    }

    [Fact]
    public async Task An_imported_api_key_with_two_dots_is_an_api_key_not_a_broken_token()
    {
        using var imported = await _admin.PostAsync("/v1/import", new StringContent(
            """{ "principals": [ { "name": "alice", "apiKeys": ["alice.key.0123456789"] } ] }""", Encoding.UTF8, "application/json"), Token);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);

        Assert.Equal(HttpStatusCode.OK, await WithBearer("alice.key.0123456789", "/v1/documents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer("alice.key.012345678", "/v1/documents"));
    }

    [Fact]
    public async Task A_configured_admin_key_with_two_dots_acts_as_admin()
    {
        await using var app = new AttacheApp(new Dictionary<string, string?> { ["Attache:AdminApiKey"] = "admin.key.0123456789" });
        using var admin = app.ClientWithKey("admin.key.0123456789");

        Assert.Equal(HttpStatusCode.OK, await admin.StatusAsync(HttpMethod.Get, "/v1/principals"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer atk_not-a-key")]
    [InlineData("Bearer test-admin-key-012345678")]
    [InlineData("Token test-admin-key-0123456789")]
    [InlineData("Basic dGVzdDp0ZXN0")]
    public async Task A01_A_missing_or_wrong_credential_is_401_with_a_challenge(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/documents");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await _anonymous.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task A02_Two_authorization_headers_are_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/documents");
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + AttacheApp.AdminKey, "Bearer " + AttacheApp.AdminKey]);

        using var response = await _anonymous.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A05_Client_credentials_give_a_token_that_works_until_it_expires()
    {
        var token = await TokenAsync(new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "svc-id", ["client_secret"] = "svc-secret",
        }));

        Assert.Equal(HttpStatusCode.OK, await WithBearer(token, "/v1/documents"));
        _app.Clock.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(HttpStatusCode.OK, await WithBearer(token, "/v1/documents"));
        _app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(token, "/v1/documents"));
    }

    [Fact]
    public async Task Client_credentials_also_come_as_basic_or_as_json()
    {
        using var basic = new HttpRequestMessage(HttpMethod.Post, "/v1/tokens")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("svc-id:svc-secret"u8.ToArray()));
        using var basicResponse = await _anonymous.SendAsync(basic, Token);
        Assert.Equal(HttpStatusCode.OK, basicResponse.StatusCode);
        Assert.Equal("no-store", basicResponse.Headers.CacheControl?.ToString());

        var token = await TokenAsync(JsonContent.Create(new { clientId = "svc-id", clientSecret = "svc-secret" }));
        Assert.Equal(HttpStatusCode.OK, await WithBearer(token, "/v1/documents"));
    }

    [Theory]
    [InlineData("client_credentials", "svc-id", "wrong", HttpStatusCode.Unauthorized, "invalid_client")]
    [InlineData("client_credentials", "nobody", "svc-secret", HttpStatusCode.Unauthorized, "invalid_client")]
    [InlineData("password", "svc-id", "svc-secret", HttpStatusCode.BadRequest, "unsupported_grant_type")]
    [InlineData("client_credentials", "", "svc-secret", HttpStatusCode.BadRequest, "invalid_request")]
    public async Task A07_Bad_client_credentials_get_oauth_errors(string grant, string id, string secret, HttpStatusCode status, string error)
    {
        using var response = await _anonymous.PostAsync("/v1/tokens", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = grant, ["client_id"] = id, ["client_secret"] = secret,
        }), Token);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(error, (await response.JsonAsync()).Str("error"));
    }

    [Theory]
    [InlineData("application/json", """{"clientId":"svc-id",""")]
    [InlineData("application/json", "[1]")]
    [InlineData("application/json", """{"clientId":5,"clientSecret":"svc-secret"}""")]
    [InlineData("multipart/form-data", "no boundary")]
    [InlineData("multipart/form-data; boundary=b", "not multipart")]
    [InlineData("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"client_id\"; filename*\r\n\r\nsvc-id\r\n--b--\r\n")]
    [InlineData("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"client_id\"; filename*=UTF-7''x\r\n\r\nsvc-id\r\n--b--\r\n")]
    public async Task A07_An_unreadable_token_request_is_invalid_request_not_a_server_error(string contentType, string body)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await _anonymous.PostAsync("/v1/tokens", content, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.JsonAsync()).Str("error"));
    }

    [Fact]
    public async Task A_user_without_client_credentials_gets_no_token()
    {
        using var response = await _anonymous.PostAsync("/v1/tokens", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "alice", ["client_secret"] = People.Password("alice"),
        }), Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_of_a_disabled_client_stops_working_at_once()
    {
        var token = await TokenAsync(JsonContent.Create(new { clientId = "svc-id", clientSecret = "svc-secret" }));

        await Disable("svc");

        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(token, "/v1/documents"));
        using var again = await _anonymous.PostAsync("/v1/tokens", JsonContent.Create(new { clientId = "svc-id", clientSecret = "svc-secret" }), Token);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Theory]
    [InlineData("?api_key=")]
    [InlineData("?access_token=")]
    [InlineData("?key=")]
    public async Task A02_A_key_in_the_query_is_ignored(string query)
    {
        using var response = await _anonymous.GetAsync("/v1/documents" + query + AttacheApp.AdminKey, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("X-Api-Key", AttacheApp.AdminKey)]
    [InlineData("Authorization", "Bearer " + AttacheApp.AdminKey + "," + AttacheApp.AdminKey)]
    [InlineData("Authorization", "Bearer " + AttacheApp.AdminKey + " x")]
    public async Task A02_A_key_in_another_header_or_a_list_of_keys_does_not_authenticate(string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/documents");
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await _anonymous.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(8 * 1024)]
    [InlineData(300 * 1024)]
    public async Task A02_A06_An_overlong_bearer_is_401_without_an_error(int length)
    {
        foreach (var bearer in new[] { "atk_" + new string('k', length), new string('a', length / 2) + "." + new string('b', length / 2) + ".c" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(bearer, "/v1/documents"));
        }

        Assert.Empty(_app.Errors);
    }

    [Fact]
    public async Task A02_Request_headers_over_32_KB_are_431()
    {
        await using var app = AttacheApp.Kestrel();
        using var client = app.CreateAdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/documents");
        request.Headers.Add("X-Padding", new string('p', 33 * 1024));

        using var response = await client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A04_A_token_naming_a_key_url_or_an_unknown_key_id_is_401_and_nothing_is_fetched()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var canaryUrl = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/keys";
        var attacker = Enumerable.Repeat((byte)9, 64).ToArray();

        foreach (var header in new[] { "jku", "x5u" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(Forge(attacker, SecurityAlgorithms.HmacSha256, header: new() { [header] = canaryUrl }), "/v1/documents"));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(Forge(attacker, SecurityAlgorithms.HmacSha256, keyId: "unknown-key"), "/v1/documents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(Forge(attacker, SecurityAlgorithms.HmacSha256, header: new() { ["jwk"] = new Dictionary<string, string> { ["kty"] = "oct", ["k"] = Base64Url(attacker) } }), "/v1/documents"));
        Assert.False(listener.Pending(), "the server fetched a key from the URL a token named");
    }

    [Fact]
    public async Task A05_A_token_expires_30_seconds_after_its_exp_and_a_future_nbf_is_refused()
    {
        var token = Forge(SigningKey, SecurityAlgorithms.HmacSha256);

        _app.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(29));
        Assert.Equal(HttpStatusCode.OK, await WithBearer(token, "/v1/documents"));
        _app.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(token, "/v1/documents"));

        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(Forge(SigningKey, SecurityAlgorithms.HmacSha256, notBefore: TimeSpan.FromSeconds(31)), "/v1/documents"));
        Assert.Equal(HttpStatusCode.OK, await WithBearer(Forge(SigningKey, SecurityAlgorithms.HmacSha256, notBefore: TimeSpan.FromSeconds(29)), "/v1/documents"));
    }

    [Fact]
    public async Task A06_A_compressed_encrypted_token_is_401_without_an_error()
    {
        var header = Base64Url("""{"alg":"dir","enc":"A256GCM","zip":"DEF"}"""u8.ToArray());
        var payload = Base64Url(new byte[64 * 1024]);
        var jwe = $"{header}..{Base64Url(new byte[12])}.{payload}.{Base64Url(new byte[16])}";

        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(jwe, "/v1/documents"));
        Assert.Empty(_app.Errors);
    }

    [Fact]
    public async Task A09_A_session_cookie_with_one_character_changed_is_401()
    {
        var cookie = await SignInAsync();
        var changed = cookie[..^1] + (cookie[^1] == 'A' ? 'B' : 'A');

        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(changed, HttpMethod.Get, "/v1/documents"));
        Assert.Equal(HttpStatusCode.OK, await WithCookie(cookie, HttpMethod.Get, "/v1/documents"));
        Assert.Empty(_app.Errors);
    }

    [Fact]
    public async Task A04_Tampered_unsigned_foreign_and_misaddressed_tokens_are_refused()
    {
        var good = Forge(SigningKey, SecurityAlgorithms.HmacSha256);
        Assert.Equal(HttpStatusCode.OK, await WithBearer(good, "/v1/documents"));

        var parts = good.Split('.');
        var flipped = parts[2][..^2] + (parts[2][^2] == 'A' ? 'B' : 'A') + parts[2][^1];
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer($"{parts[0]}.{parts[1]}.{flipped}", "/v1/documents"));

        var otherSubject = Base64Url(Encoding.UTF8.GetBytes(
            Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"svc\"", "\"admin\"", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer($"{parts[0]}.{otherSubject}.{parts[2]}", "/v1/documents"));

        var none = Base64Url("""{"alg":"none","typ":"JWT"}"""u8.ToArray()) + "." + parts[1] + ".";
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(none, "/v1/documents"));

        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(Forge(Enumerable.Repeat((byte)7, 32).ToArray(), SecurityAlgorithms.HmacSha256), "/v1/documents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(Forge(SigningKey, SecurityAlgorithms.HmacSha512), "/v1/documents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(Forge(SigningKey, SecurityAlgorithms.HmacSha256, issuer: "elsewhere"), "/v1/documents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(Forge(SigningKey, SecurityAlgorithms.HmacSha256, audience: "elsewhere"), "/v1/documents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(Forge(SigningKey, SecurityAlgorithms.HmacSha256, expires: false), "/v1/documents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer(Forge(SigningKey, SecurityAlgorithms.HmacSha256, subject: "nobody"), "/v1/documents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearer("a.b.c", "/v1/documents"));
    }

    [Fact]
    public async Task A_generated_signing_key_is_stored_once_and_shared_by_every_node()
    {
        await using var first = new AttacheApp();
        var dataPath = first.DataPath;
        using var admin = first.CreateAdminClient();
        await admin.CreatePrincipalAsync(new { name = "svc", kind = "client", clientId = "svc-id", clientSecret = "svc-secret" });
        using var anonymous = first.CreateClient();
        using var issued = await anonymous.PostAsync("/v1/tokens", JsonContent.Create(new { clientId = "svc-id", clientSecret = "svc-secret" }), Token);
        var token = (await issued.JsonAsync()).Str("access_token");

        await using var second = first.WithWebHostBuilder(_ => { });
        using var other = second.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/documents");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await other.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Directory.Exists(dataPath));
    }

    [Fact]
    public async Task A08_A_session_cookie_is_httponly_secure_lax_and_ends_at_sign_out()
    {
        using var signIn = await _anonymous.PostAsJsonAsync("/v1/sessions", new { name = "alice", password = People.Password("alice") }, Token);

        Assert.Equal(HttpStatusCode.Created, signIn.StatusCode);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-attache_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var value = cookie.Split(';')[0];

        Assert.Equal(HttpStatusCode.OK, await WithCookie(value, HttpMethod.Get, "/v1/documents"));
        Assert.Equal(HttpStatusCode.NoContent, await WithCookie(value, HttpMethod.Delete, "/v1/sessions"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(value, HttpMethod.Get, "/v1/documents"));
    }

    [Fact]
    public async Task A11_A_bearer_credential_is_never_replaced_by_the_session_cookie_sent_with_it()
    {
        var cookie = await SignInAsync();
        await _admin.CreatePrincipalAsync(new { name = "bob" });
        var bobKey = await _admin.IssueKeyAsync("bob");
        Assert.Equal(HttpStatusCode.Created, await _admin.StatusAsync(HttpMethod.Post, "/v1/documents", new { id = "alices", owner = "alice" }));

        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearerAndCookie("atk_revoked-or-wrong", cookie, "/v1/documents/alices"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithBearerAndCookie("a.b.c", cookie, "/v1/documents/alices"));
        Assert.Equal(HttpStatusCode.NotFound, await WithBearerAndCookie(bobKey, cookie, "/v1/documents/alices"));
        Assert.Equal(HttpStatusCode.OK, await WithCookie(cookie, HttpMethod.Get, "/v1/documents/alices"));
    }

    [Fact]
    public async Task A09_A_session_expires_and_stops_when_its_principal_is_disabled()
    {
        var first = await SignInAsync();
        var second = await SignInAsync();

        await Disable("alice");
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(first, HttpMethod.Get, "/v1/documents"));
        await Enable("alice");
        Assert.Equal(HttpStatusCode.OK, await WithCookie(first, HttpMethod.Get, "/v1/documents"));

        _app.Clock.Advance(TimeSpan.FromHours(8));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(second, HttpMethod.Get, "/v1/documents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie("__Host-attache_session=" + new string('x', 43), HttpMethod.Get, "/v1/documents"));
    }

    [Fact]
    public async Task A_sign_in_sweeps_expired_sessions_from_the_store()
    {
        await SignInAsync();
        _app.Clock.Advance(TimeSpan.FromHours(9));

        await SignInAsync();

        await using var scope = _app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<Attache.Core.Ports.IPrincipalStore>();
        Assert.Equal(0, await store.DeleteExpiredSessionsAsync(_app.Clock.GetUtcNow(), Token));
        Assert.Equal(1, await store.DeleteExpiredSessionsAsync(_app.Clock.GetUtcNow().AddHours(9), Token));
    }

    [Fact]
    public async Task A09_A_new_password_ends_every_session_signed_in_with_the_old_one()
    {
        var cookie = await SignInAsync();

        Assert.Equal(HttpStatusCode.OK, await _admin.StatusAsync(HttpMethod.Patch, "/v1/principals/alice", new { password = "a-new-password-2" }));

        Assert.Equal(HttpStatusCode.Unauthorized, await WithCookie(cookie, HttpMethod.Get, "/v1/documents"));
        using var again = await _anonymous.PostAsJsonAsync("/v1/sessions", new { name = "alice", password = "a-new-password-2" }, Token);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task A07_Twenty_wrong_passwords_in_a_row_throttle_the_name_with_429_and_retry_after()
    {
        for (var i = 0; i < 20; i++)
        {
            using var wrong = await _anonymous.PostAsJsonAsync("/v1/sessions", new { name = "alice", password = $"guess-{i}" }, Token);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await _anonymous.PostAsJsonAsync("/v1/sessions", new { name = "alice", password = People.Password("alice") }, Token);
        await throttled.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromMinutes(15), throttled.Headers.RetryAfter?.Delta);
        Assert.Null(await BasicAsync("alice", People.Password("alice")));

        _app.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal("alice", await BasicAsync("alice", People.Password("alice")));
        using var signedIn = await _anonymous.PostAsJsonAsync("/v1/sessions", new { name = "alice", password = People.Password("alice") }, Token);
        Assert.Equal(HttpStatusCode.Created, signedIn.StatusCode);
    }

    [Fact]
    public async Task A07_Twenty_wrong_client_secrets_in_a_row_throttle_the_client()
    {
        for (var i = 0; i < 20; i++)
        {
            using var wrong = await _anonymous.PostAsJsonAsync("/v1/tokens", new { clientId = "svc-id", clientSecret = $"guess-{i}" }, Token);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await _anonymous.PostAsJsonAsync("/v1/tokens", new { clientId = "svc-id", clientSecret = "svc-secret" }, Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter?.Delta);
        Assert.Equal("invalid_client", (await throttled.JsonAsync()).Str("error"));
    }

    [Fact]
    public async Task A07_Client_credentials_in_both_basic_and_the_body_are_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tokens")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "svc-id", ["client_secret"] = "svc-secret" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("svc-id:svc-secret"u8.ToArray()));

        using var response = await _anonymous.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.JsonAsync()).Str("error"));
    }

    [Theory]
    [InlineData("Origin", "https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("Sec-Fetch-Site", "cross-site", HttpStatusCode.Forbidden)]
    [InlineData("Sec-Fetch-Site", "same-site", HttpStatusCode.Forbidden)]
    [InlineData("Origin", "http://localhost", HttpStatusCode.Created)]
    [InlineData("Sec-Fetch-Site", "same-origin", HttpStatusCode.Created)]
    [InlineData("X-Nothing", "at all", HttpStatusCode.Created)]
    public async Task A10_A_cookie_write_from_another_site_is_refused(string header, string value, HttpStatusCode expected)
    {
        var cookie = await SignInAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/documents") { Content = JsonContent.Create(new { title = "csrf?" }) };
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add(header, value);

        using var response = await _anonymous.SendAsync(request, Token);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A10_A_write_with_an_api_key_from_another_site_is_allowed_and_a_cookie_read_too()
    {
        var key = await _admin.IssueKeyAsync("alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/documents") { Content = JsonContent.Create(new { title = "api" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("Origin", "https://elsewhere.example");
        using var response = await _anonymous.SendAsync(request, Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var cookie = await SignInAsync();
        using var read = new HttpRequestMessage(HttpMethod.Get, "/v1/documents");
        read.Headers.Add("Cookie", cookie);
        read.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var readResponse = await _anonymous.SendAsync(read, Token);
        Assert.Equal(HttpStatusCode.OK, readResponse.StatusCode);
    }

    [Theory]
    [InlineData("alice", "wrong")]
    [InlineData("nobody", "alice-password-1")]
    [InlineData("svc", "svc-secret")]
    public async Task A_wrong_name_or_password_gets_no_session(string name, string password)
    {
        using var response = await _anonymous.PostAsJsonAsync("/v1/sessions", new { name, password }, Token);

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Basic_accepts_the_right_password_only_and_a_disabled_principal_not_at_all()
    {
        Assert.Equal("alice", await BasicAsync("alice", People.Password("alice")));
        Assert.Null(await BasicAsync("alice", "wrong"));
        Assert.Null(await BasicAsync("nobody", "x"));
        Assert.Null(await BasicRawAsync("Basic !!!"));
        Assert.Null(await BasicRawAsync("Basic " + Convert.ToBase64String("no-colon"u8.ToArray())));
        Assert.Null(await BasicRawAsync("Basic " + Convert.ToBase64String(new byte[] { 0xC3, 0x28, (byte)':', (byte)'x' })));

        await Disable("alice");
        Assert.Null(await BasicAsync("alice", People.Password("alice")));
    }

    [Fact]
    public async Task Basic_reads_names_and_passwords_as_utf8()
    {
        await _admin.CreatePrincipalAsync(new { name = "zoë", password = "pässwörd:with:colons" });

        Assert.Equal("zoë", await BasicAsync("zoë", "pässwörd:with:colons"));
    }

    [Fact]
    public async Task Only_an_admin_manages_principals()
    {
        var key = await _admin.IssueKeyAsync("alice");
        using var alice = _app.ClientWithKey(key);

        Assert.Equal(HttpStatusCode.Forbidden, await alice.StatusAsync(HttpMethod.Post, "/v1/principals", new { name = "mallory" }));
        Assert.Equal(HttpStatusCode.Forbidden, await alice.StatusAsync(HttpMethod.Post, "/v1/principals/alice/api-keys"));
        Assert.Equal(HttpStatusCode.Forbidden, await alice.StatusAsync(HttpMethod.Patch, "/v1/principals/alice", new { groups = new[] { "admin" } }));
        Assert.Equal(HttpStatusCode.Forbidden, await alice.StatusAsync(HttpMethod.Get, "/v1/principals"));
    }

    [Fact]
    public async Task A_member_of_the_admin_group_is_an_administrator()
    {
        var key = await _admin.IssueKeyAsync("alice");
        using var alice = _app.ClientWithKey(key);
        Assert.Equal(HttpStatusCode.OK, await _admin.StatusAsync(HttpMethod.Patch, "/v1/principals/alice", new { groups = new[] { "team", "admin" } }));

        Assert.Equal(HttpStatusCode.Created, await alice.StatusAsync(HttpMethod.Post, "/v1/principals", new { name = "bob" }));
    }

    [Fact]
    public async Task An_administrator_may_not_lock_themself_out()
    {
        Assert.Equal(HttpStatusCode.Conflict, await _admin.StatusAsync(HttpMethod.Patch, "/v1/principals/admin", new { enabled = false }));
        Assert.Equal(HttpStatusCode.Conflict, await _admin.StatusAsync(HttpMethod.Patch, "/v1/principals/admin", new { groups = new[] { "team" } }));
        Assert.Equal(HttpStatusCode.BadRequest, await _admin.StatusAsync(HttpMethod.Patch, "/v1/principals/alice", new { email = "no address" }));
        Assert.Equal(HttpStatusCode.OK, await _admin.StatusAsync(HttpMethod.Patch, "/v1/principals/alice", new { email = "alice@example.org" }));
        Assert.Equal(HttpStatusCode.NotFound, await _admin.StatusAsync(HttpMethod.Patch, "/v1/principals/nobody", new { enabled = false }));
    }

    [Fact]
    public async Task Principals_never_show_a_secret_or_a_hash()
    {
        var body = await _admin.GetStringAsync("/v1/principals/svc", Token);

        Assert.DoesNotContain("svc-secret", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Hash", body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"clientId\":\"svc-id\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"a:b"}""", "name")]
    [InlineData("""{"name":"a","kind":"robot"}""", "kind")]
    [InlineData("""{"name":"a","kind":"client"}""", "clientId")]
    [InlineData("""{"name":"a","clientId":"x","clientSecret":"y"}""", "clientId")]
    [InlineData("""{"name":"a","kind":"client","clientId":"x"}""", "clientSecret")]
    [InlineData("""{"name":"a","password":""}""", "password")]
    [InlineData("""{"name":"a","groups":["bad group"]}""", "groups")]
    [InlineData("""{"name":"a","email":"not-an-address"}""", "email")]
    public async Task A_bad_principal_is_400_naming_the_field(string json, string field)
    {
        using var response = await _admin.PostAsync("/v1/principals", new StringContent(json, Encoding.UTF8, "application/json"), Token);

        Assert.Equal(field, (await response.ProblemAsync(HttpStatusCode.BadRequest)).Str("field"));
    }

    [Fact]
    public async Task A_taken_name_or_client_id_is_a_conflict()
    {
        Assert.Equal(HttpStatusCode.Conflict, await _admin.StatusAsync(HttpMethod.Post, "/v1/principals", new { name = "alice" }));
        Assert.Equal(HttpStatusCode.Conflict, await _admin.StatusAsync(HttpMethod.Post, "/v1/principals",
            new { name = "svc2", kind = "client", clientId = "svc-id", clientSecret = "z" }));
    }

    private async Task<string?> BasicAsync(string name, string password) =>
        await BasicRawAsync("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{name}:{password}")));

    /// <summary>Runs the Basic scheme on a request; no native endpoint uses it, the dialects do.</summary>
    private async Task<string?> BasicRawAsync(string authorization)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = authorization;
        var result = await context.AuthenticateAsync("Basic");
        return result.Succeeded ? result.Principal.FindFirstValue(ClaimTypes.Name) : null;
    }

    private async Task<string> SignInAsync()
    {
        using var response = await _anonymous.PostAsJsonAsync("/v1/sessions", new { name = "alice", password = People.Password("alice") }, Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    private async Task<HttpStatusCode> WithCookie(string cookie, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        using var response = await _anonymous.SendAsync(request, Token);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> WithBearerAndCookie(string bearer, string cookie, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        request.Headers.Add("Cookie", cookie);
        using var response = await _anonymous.SendAsync(request, Token);
        return response.StatusCode;
    }

    private async Task<string> TokenAsync(HttpContent content)
    {
        using var response = await _anonymous.PostAsync("/v1/tokens", content, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Bearer", body.Str("token_type"));
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        return body.Str("access_token");
    }

    private async Task<HttpStatusCode> WithBearer(string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _anonymous.SendAsync(request, Token);
        return response.StatusCode;
    }

    private string Forge(
        byte[] key, string algorithm, string issuer = "attache", string audience = "attache", bool expires = true, string subject = "svc",
        TimeSpan? notBefore = null, Dictionary<string, object>? header = null, string? keyId = null)
    {
        var now = _app.Clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now + (notBefore ?? TimeSpan.Zero),
            Expires = expires ? now.AddMinutes(5) : null,
            Claims = new Dictionary<string, object> { ["sub"] = subject },
            AdditionalHeaderClaims = header,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key) { KeyId = keyId }, algorithm),
        });
    }

    private static string Base64Url(byte[] bytes) => Base64UrlEncoder.Encode(bytes);

    private async Task Disable(string name) =>
        Assert.Equal(HttpStatusCode.OK, await _admin.StatusAsync(HttpMethod.Patch, $"/v1/principals/{name}", new { enabled = false }));

    private async Task Enable(string name) =>
        Assert.Equal(HttpStatusCode.OK, await _admin.StatusAsync(HttpMethod.Patch, $"/v1/principals/{name}", new { enabled = true }));

    private sealed record KeyInfo(string Id, DateTimeOffset Created);
}
