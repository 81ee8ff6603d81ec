using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Attache.Core.Ports;
using Attache.Server.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Attache.Server.Tests.Import;

public sealed class PrincipalImportTests : IAsyncLifetime
{
    private const string Manifest = """
        {
          "principals": [
            { "name": "sarah", "displayName": "Sarah", "kind": "user", "groups": ["enterprise"],
              "password": "sarah-password", "apiKeys": ["sarah-key-0123456789"] },
            { "name": "svc", "kind": "client", "clientId": "svc-id", "clientSecret": "svc-secret", "groups": ["my-domain"] }
          ],
          "serverApiKeys": ["server-key-0123456789"],
          "documents": [
            { "id": "d1", "owner": "sarah", "acl": [ { "group": "my-domain", "permissions": ["view"] } ],
              "files": [ { "id": "f1", "fileName": "a.txt", "content": { "text": "hello" } } ] }
          ]
        }
        """;

    private readonly AttacheApp _app = new();
    private HttpClient _admin = null!;
    private HttpClient _anonymous = null!;

    private static CancellationToken Token => NativeApi.Token;

    public ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        _anonymous = _app.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _anonymous.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Imported_principals_sign_in_with_every_credential_and_see_what_the_acl_grants()
    {
        var report = await ImportAsync(Manifest);

        Assert.Equal(2, report.GetProperty("principalsCreated").GetInt32());
        Assert.Equal(HttpStatusCode.OK, await GetAsync("Bearer", "sarah-key-0123456789", "/v1/files/f1/content"));
        using (var session = await _anonymous.PostAsJsonAsync("/v1/sessions", new { name = "sarah", password = "sarah-password" }, Token))
        {
            Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        }

        using var issued = await _anonymous.PostAsJsonAsync("/v1/tokens", new { clientId = "svc-id", clientSecret = "svc-secret" }, Token);
        var token = (await issued.JsonAsync()).Str("access_token");
        Assert.Equal(HttpStatusCode.OK, await GetAsync("Bearer", token, "/v1/files/f1/content"));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync("Bearer", token, "/v1/principals/svc"));

        var store = _app.Services.GetRequiredService<IPrincipalStore>();
        Assert.True(await store.IsServerApiKeyAsync(Sha256Hex("server-key-0123456789"), Token));
        Assert.False(await store.IsServerApiKeyAsync(Sha256Hex("server-key-012345678"), Token));
        var sarah = await store.FindAsync("sarah", Token);
        Assert.NotNull(sarah);
        Assert.DoesNotContain("sarah-password", sarah.PasswordHash, StringComparison.Ordinal);
        Assert.Equal(["enterprise"], sarah.Groups);
    }

    [Fact]
    public async Task Importing_principals_twice_changes_nothing()
    {
        await ImportAsync(Manifest);
        var store = _app.Services.GetRequiredService<IPrincipalStore>();
        var before = await store.FindAsync("sarah", Token);
        var keysBefore = await store.ListApiKeysAsync("sarah", Token);
        _app.Clock.Advance(TimeSpan.FromHours(1));

        var report = await ImportAsync(Manifest);

        Assert.Equal((0, 0, 2), (report.GetProperty("principalsCreated").GetInt32(), report.GetProperty("principalsUpdated").GetInt32(),
            report.GetProperty("principalsUnchanged").GetInt32()));
        Assert.Equivalent(before, await store.FindAsync("sarah", Token), strict: true);
        Assert.Equal(keysBefore, await store.ListApiKeysAsync("sarah", Token));
    }

    [Fact]
    public async Task A_changed_password_or_group_updates_the_principal_and_only_the_new_password_works()
    {
        await ImportAsync(Manifest);

        var report = await ImportAsync(Manifest.Replace("\"sarah-password\"", "\"new-password\"", StringComparison.Ordinal)
            .Replace("[\"enterprise\"]", "[\"enterprise\", \"legal\"]", StringComparison.Ordinal));

        Assert.Equal(1, report.GetProperty("principalsUpdated").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync("sarah", "sarah-password"));
        Assert.Equal(HttpStatusCode.Created, await SignInAsync("sarah", "new-password"));
        var sarah = await _admin.GetFromJsonAsync<JsonElement>("/v1/principals/sarah", Token);
        Assert.Equal(["enterprise", "legal"], sarah.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task A_manifest_with_bad_principals_reports_every_error_and_imports_nothing()
    {
        const string manifest = """
            {
              "principals": [
                { "name": "ok", "apiKeys": ["shared-key-0123"] },
                { "name": "bad name" },
                { "name": "c", "kind": "client", "clientId": "x" },
                { "name": "ok", "apiKeys": ["shared-key-0123", ""] },
                { "name": "x", "role": "boss" }
              ],
              "serverApiKeys": ["", 5],
              "documents": [ { "id": "d2" } ]
            }
            """;

        using var response = await _admin.PostAsync("/v1/import", new StringContent(manifest, Encoding.UTF8, "application/json"), Token);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(
            [
                "$.principals[1].name",
                "$.principals[2].clientSecret",
                "$.principals[3].name",
                "$.principals[3].apiKeys[0]",
                "$.principals[3].apiKeys[1]",
                "$.principals[4].role",
                "$.serverApiKeys[1]",
                "$.serverApiKeys[0]",
            ],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.Str("path")));
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/v1/principals/ok", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/v1/documents/d2", Token)).StatusCode);
    }

    [Fact]
    public async Task An_api_key_or_client_id_of_another_principal_is_refused_at_its_path()
    {
        await ImportAsync(Manifest);

        using var response = await _admin.PostAsync("/v1/import", new StringContent("""
            { "principals": [
                { "name": "mallory", "apiKeys": ["sarah-key-0123456789"] },
                { "name": "svc2", "kind": "client", "clientId": "svc-id", "clientSecret": "other" } ] }
            """, Encoding.UTF8, "application/json"), Token);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["$.principals[1].clientId", "$.principals[0].apiKeys[0]"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.Str("path")).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/v1/principals/mallory", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await GetAsync("Bearer", "sarah-key-0123456789", "/v1/documents/d1"));
    }

    [Fact]
    public async Task Two_principals_of_one_manifest_with_the_same_client_id_or_email_are_refused_at_their_paths()
    {
        using var response = await _admin.PostAsync("/v1/import", new StringContent("""
            { "principals": [
                { "name": "a", "kind": "client", "clientId": "shared-id", "clientSecret": "s1", "email": "same@example.org" },
                { "name": "b", "kind": "client", "clientId": "shared-id", "clientSecret": "s2" },
                { "name": "c", "email": "SAME@example.org" } ] }
            """, Encoding.UTF8, "application/json"), Token);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["$.principals[1].clientId", "$.principals[2].email"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.Str("path")));
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/v1/principals/a", Token)).StatusCode);
    }

    [Fact]
    public async Task A_principal_disabled_since_stays_disabled_when_the_manifest_does_not_say_enabled()
    {
        await ImportAsync(Manifest);
        Assert.Equal(HttpStatusCode.OK, (await _admin.PatchAsJsonAsync("/v1/principals/sarah", new { enabled = false }, Token)).StatusCode);

        var report = await ImportAsync(Manifest);

        Assert.Equal(2, report.GetProperty("principalsUnchanged").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync("Bearer", "sarah-key-0123456789", "/v1/documents/d1"));
        await ImportAsync(Manifest.Replace("\"kind\": \"user\",", "\"kind\": \"user\", \"enabled\": true,", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await GetAsync("Bearer", "sarah-key-0123456789", "/v1/documents/d1"));
    }

    [Theory]
    [InlineData("""{ "name": "admin", "groups": ["team"] }""", "$.principals[0].groups")]
    [InlineData("""{ "name": "admin", "enabled": false }""", "$.principals[0].enabled")]
    public async Task An_administrator_may_not_lock_themself_out_by_import(string principal, string path)
    {
        using var response = await _admin.PostAsync("/v1/import",
            new StringContent($$"""{ "principals": [ {{principal}} ] }""", Encoding.UTF8, "application/json"), Token);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([path], problem.GetProperty("errors").EnumerateArray().Select(e => e.Str("path")));
        var admin = await _admin.GetFromJsonAsync<JsonElement>("/v1/principals/admin", Token);
        Assert.True(admin.GetProperty("isAdmin").GetBoolean());
        Assert.True(admin.GetProperty("enabled").GetBoolean());
    }

    private async Task<JsonElement> ImportAsync(string manifest)
    {
        using var response = await _admin.PostAsync("/v1/import", new StringContent(manifest, Encoding.UTF8, "application/json"), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task<HttpStatusCode> SignInAsync(string name, string password)
    {
        using var response = await _anonymous.PostAsJsonAsync("/v1/sessions", new { name, password }, Token);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> GetAsync(string scheme, string credentials, string path, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, credentials);
        using var response = await _anonymous.SendAsync(request, Token);
        return response.StatusCode;
    }

    private static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
