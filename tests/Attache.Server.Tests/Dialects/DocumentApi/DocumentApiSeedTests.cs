using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Attache.Server.Tests.Dialects.DocumentApi;

/// <summary>The seed's two curl examples, replayed as written, and what their answers must hold.</summary>
public sealed partial class DocumentApiSeedTests(DocumentApiWorld world) : IClassFixture<DocumentApiWorld>
{
    private const string Step1Body = """
        {
        "client_id": "your-client-id",
        "client_secret": "your-client-secret",
        "fingerprint": "device-fingerprint-123",
        "user": {
        "first_name": "John",
        "last_name": "Doe",
        "email": "john.doe@example.com",
        "group_name": "my-domain"
        }
        }
        """;

    private const string Step2Body = """
        {
        "document_id": "doc-abc-123-def-456"
        }
        """;

    private static CancellationToken Token => DocumentApiWorld.Token;

    [Fact]
    public async Task Example_1_a_token_then_a_presigned_url_that_downloads_without_authorization()
    {
        using var tokenResponse = await world.PostAsync("/docapi/generate-client-auth-token", Step1Body);
        var tokenBody = await tokenResponse.Content.ReadAsStringAsync(Token);
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        Assert.Equal("application/json", tokenResponse.Content.Headers.ContentType?.MediaType);
        var tokenMatch = TokenBody().Match(tokenBody);
        Assert.True(tokenMatch.Success, tokenBody);
        var accessToken = tokenMatch.Groups[1].Value;
        Assert.StartsWith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", accessToken, StringComparison.Ordinal);

        using var urlResponse = await world.PostAsync("/docapi/download", Step2Body, accessToken);
        var urlBody = await urlResponse.Content.ReadAsStringAsync(Token);
        Assert.Equal(HttpStatusCode.OK, urlResponse.StatusCode);
        var urlMatch = UrlBody().Match(urlBody);
        Assert.True(urlMatch.Success, urlBody);
        var url = new Uri(urlMatch.Groups[1].Value);
        Assert.Equal("http://localhost/docapi/download/doc-abc-123-def-456", url.GetLeftPart(UriPartial.Path));

        using var download = await world.GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(DocumentApiWorld.SeedPdf, await download.Content.ReadAsStringAsync(Token));
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment; filename=\"my-document.pdf\"", download.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.True(download.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Example_2_direct_download_with_the_seeds_headers()
    {
        var accessToken = await world.TokenAsync();

        using var download = await world.GetAsync("/docapi/download/doc-abc-123-def-456", accessToken);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(DocumentApiWorld.SeedPdf), await download.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.ToString());
        Assert.Equal("attachment; filename=\"my-document.pdf\"", download.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal("no-cache", download.Headers.GetValues("Cache-Control").Single());
    }

    [Fact]
    public async Task The_token_carries_the_user_the_fingerprint_and_the_dialects_audience_and_expires_in_an_hour()
    {
        var accessToken = await world.TokenAsync(email: "Carol@Example.com");

        var payload = accessToken.Split('.')[1].Replace('-', '+').Replace('_', '/');
        using var claims = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')));
        var root = claims.RootElement;
        Assert.Equal("device-fingerprint-123", root.GetProperty("fingerprint").GetString());
        Assert.Equal("carol@example.com", root.GetProperty("email").GetString());
        Assert.Equal("seed-client", root.GetProperty("client").GetString());
        Assert.Equal("attache-docapi", root.GetProperty("aud").GetString());
        Assert.StartsWith("cu-", root.GetProperty("sub").GetString(), StringComparison.Ordinal);
        Assert.Equal(3600, root.GetProperty("exp").GetInt64() - root.GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task The_user_is_created_by_email_joins_the_group_and_is_updated_not_duplicated()
    {
        await world.TokenAsync(email: "dana@example.com");
        using var second = await world.PostAsync("/docapi/generate-client-auth-token", """
            {"client_id":"your-client-id","client_secret":"your-client-secret","fingerprint":"f2",
             "user":{"first_name":"Dana","last_name":"Scully","email":"DANA@example.com","group_name":"my-domain"}}
            """);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        using var admin = world.App.CreateAdminClient();
        var list = JsonDocument.Parse(await admin.GetStringAsync("/v1/principals?limit=1000", Token)).RootElement;
        var users = list.GetProperty("items").EnumerateArray().Where(p => p.GetProperty("email").GetString() == "dana@example.com").ToList();
        var user = Assert.Single(users);
        Assert.Equal("Dana Scully", user.GetProperty("displayName").GetString());
        Assert.Equal("user", user.GetProperty("kind").GetString());
        Assert.Equal(["my-domain"], user.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
    }

    [GeneratedRegex("""^\{"statusCode":200,"data":\{"access_token":"([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)"\},"message":"OKAY"\}$""")]
    private static partial Regex TokenBody();

    [GeneratedRegex("""^\{"statusCode":200,"data":\{"download_url":"(http://localhost/docapi/download/doc-abc-123-def-456\?signature=[A-Za-z0-9_\-.]+)"\},"message":"OKAY"\}$""")]
    private static partial Regex UrlBody();
}
