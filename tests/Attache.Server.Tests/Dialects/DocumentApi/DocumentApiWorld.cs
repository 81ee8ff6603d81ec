using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Dialects.DocumentApi;

/// <summary>
/// The real server with a world for the Document API: the seed's client (<c>your-client-id</c>, group <c>my-domain</c>),
/// a second client of another group, an administrator and a native user with e-mails, and documents of every kind.
/// </summary>
public sealed class DocumentApiWorld : IAsyncLifetime
{
    public const string SeedDocument = "doc-abc-123-def-456";
    public const string SeedPdf = "%PDF-1.4 the seed's document\n";

    /// <summary>File name and the media type it must be served with, for the seed's file types.</summary>
    public static readonly (string FileName, string MediaType)[] FileTypes =
    [
        ("report.pdf", "application/pdf"),
        ("letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("notes.txt", "text/plain"),
        ("scan.png", "image/png"),
        ("photo.jpg", "image/jpeg"),
        ("photo2.jpeg", "image/jpeg"),
        ("anim.gif", "image/gif"),
    ];

    private static readonly string Manifest = $$"""
        {
          "principals": [
            { "name": "seed-client", "kind": "client", "clientId": "your-client-id", "clientSecret": "your-client-secret", "groups": ["my-domain"] },
            { "name": "other-client", "kind": "client", "clientId": "other-client-id", "clientSecret": "other-client-secret", "groups": ["other-domain"] },
            { "name": "boss", "kind": "user", "groups": ["admin"], "email": "boss@example.com" },
            { "name": "alice", "kind": "user", "groups": ["my-domain"], "email": "alice@example.com" }
          ],
          "documents": [
            { "id": "{{SeedDocument}}", "title": "My document", "acl": [ { "group": "my-domain", "permissions": ["view"] } ],
              "properties": { "description": "The seed's example", "priority": "high", "tags": "seed, example" },
              "files": [ { "fileName": "my-document.pdf", "content": { "text": "{{SeedPdf.Replace("\n", "\\n", StringComparison.Ordinal)}}" } } ] },
            { "id": "other-doc", "title": "Other", "acl": [ { "group": "other-domain", "permissions": ["view"] } ],
              "files": [ { "fileName": "other.pdf", "content": { "text": "other group's bytes" } } ] },
            { "id": "url-doc", "title": "Linked", "acl": [ { "group": "my-domain", "permissions": ["view"] } ],
              "sourceUrl": "https://example.com/reports/q3.pdf" },
            { "id": "empty-doc", "acl": [ { "group": "my-domain", "permissions": ["view"] } ] },
            { "id": "deleted-doc", "deleted": true, "acl": [ { "group": "my-domain", "permissions": ["view"] } ],
              "files": [ { "fileName": "gone.pdf", "content": { "text": "deleted" } } ] },
            { "id": "removed-doc", "acl": [ { "group": "my-domain", "permissions": ["view"] } ],
              "files": [ { "fileName": "removed.pdf", "removed": true, "content": { "text": "removed" } } ] },
            { "id": "stored-type", "acl": [ { "group": "my-domain", "permissions": ["view"] } ],
              "files": [ { "fileName": "scan", "mediaType": "image/png", "content": { "text": "png bytes" } } ] },
            { "id": "unicode-name", "acl": [ { "group": "my-domain", "permissions": ["view"] } ],
              "files": [ { "fileName": "Résumé 2026.pdf", "content": { "text": "unicode" } } ] },
            { "id": "two-slots", "acl": [ { "group": "my-domain", "permissions": ["view"] } ],
              "files": [ { "slot": "appendix", "fileName": "appendix.txt", "content": { "text": "appendix" } },
                         { "slot": "file", "index": 1, "fileName": "second.txt", "content": { "text": "second" } },
                         { "slot": "file", "index": 0, "fileName": "main.txt", "content": { "text": "main" } } ] }
            {{string.Concat(FileTypes.Select(t => $$""", { "id": "{{TypeDocument(t.FileName)}}", "acl": [ { "group": "my-domain", "permissions": ["view"] } ], "files": [ { "fileName": "{{t.FileName}}", "mediaType": "application/octet-stream", "content": { "text": "bytes of {{t.FileName}}" } } ] }"""))}}
          ]
        }
        """;

    public DocumentApiWorld()
        : this(new Dictionary<string, string?>())
    {
    }

    internal DocumentApiWorld(IDictionary<string, string?> settings) => App = new AttacheApp(settings);

    public AttacheApp App { get; }

    /// <summary>The id of the document holding one file of the type matrix.</summary>
    public static string TypeDocument(string fileName) => "type-" + fileName.Replace('.', '-');

    public HttpClient Http { get; private set; } = null!;

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Http = App.CreateClient();
        using var admin = App.CreateAdminClient();
        using var content = new StringContent(Manifest, Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync("/v1/import", content, Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Token));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
    }

    /// <summary>A token of the seed's client for a user of <c>my-domain</c> (or the given e-mail, group and client).</summary>
    public async Task<string> TokenAsync(
        string email = "john.doe@example.com", string group = "my-domain", string clientId = "your-client-id", string secret = "your-client-secret")
    {
        using var response = await PostAsync("/docapi/generate-client-auth-token", JsonSerializer.Serialize(new
        {
            client_id = clientId,
            client_secret = secret,
            fingerprint = "device-fingerprint-123",
            user = new { first_name = "John", last_name = "Doe", email, group_name = group },
        }));
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("access_token").GetString()!;
    }

    public Task<HttpResponseMessage> PostAsync(string path, string? json, string? token = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Http.SendAsync(request, Token);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token = null, HttpMethod? method = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        configure?.Invoke(request);
        return Http.SendAsync(request, Token);
    }

    /// <summary>The presigned URL's path and query for a document.</summary>
    public async Task<string> PresignAsync(string token, string documentId = SeedDocument)
    {
        using var response = await PostAsync("/docapi/download", JsonSerializer.Serialize(new { document_id = documentId }), token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return new Uri(JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("download_url").GetString()!).PathAndQuery;
    }
}

internal static class Envelopes
{
    /// <summary>Asserts the HTTP status, the JSON type and the exact error body <c>{statusCode, data:{}, message}</c>.</summary>
    public static async Task AssertErrorAsync(this HttpResponseMessage response, int status, string message)
    {
        var body = await response.Content.ReadAsStringAsync(NativeApi.Token);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($$"""{"statusCode":{{status}},"data":{},"message":"{{message}}"}""", body);
    }
}
