using System.Net;
using System.Net.Http.Json;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Audit;
using Attache.Server.Tests.Auth;

namespace Attache.Server.Tests.Reliability.Ids;

/// <summary>Who may view, edit and delete a document, over HTTP with real principals and their API keys.</summary>
public sealed class AccessMatrixTests : IAsyncLifetime
{
    private static readonly string[] Actors = ["olivia", "gina", "eddie", "dora", "sam"];

    private readonly AttacheApp _app = new();
    private readonly Dictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        _clients["admin"] = _admin;
        _clients["olivia"] = await _app.UserAsync(_admin, "olivia");
        _clients["gina"] = await _app.UserAsync(_admin, "gina", "team");
        _clients["eddie"] = await _app.UserAsync(_admin, "eddie", "editors");
        _clients["dora"] = await _app.UserAsync(_admin, "dora");
        _clients["sam"] = await _app.UserAsync(_admin, "sam", "strangers");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await _app.DisposeAsync();
    }

    /// <summary>
    /// olivia owns the document; the group team may view; the group editors may view and edit; dora may view and
    /// delete; sam is a stranger. A caller who may not view is told the document does not exist.
    /// </summary>
    public static TheoryData<string, string, HttpStatusCode> Matrix => new()
    {
        { "admin", "view", HttpStatusCode.OK }, { "admin", "edit", HttpStatusCode.OK }, { "admin", "delete", HttpStatusCode.NoContent },
        { "olivia", "view", HttpStatusCode.OK }, { "olivia", "edit", HttpStatusCode.OK }, { "olivia", "delete", HttpStatusCode.NoContent },
        { "gina", "view", HttpStatusCode.OK }, { "gina", "edit", HttpStatusCode.Forbidden }, { "gina", "delete", HttpStatusCode.Forbidden },
        { "eddie", "view", HttpStatusCode.OK }, { "eddie", "edit", HttpStatusCode.OK }, { "eddie", "delete", HttpStatusCode.Forbidden },
        { "dora", "view", HttpStatusCode.OK }, { "dora", "edit", HttpStatusCode.Forbidden }, { "dora", "delete", HttpStatusCode.NoContent },
        { "sam", "view", HttpStatusCode.NotFound }, { "sam", "edit", HttpStatusCode.NotFound }, { "sam", "delete", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task B12_Each_actor_gets_what_the_acl_grants(string actor, string action, HttpStatusCode expected)
    {
        var (documentId, fileId) = await CreateSharedDocumentAsync();
        var client = _clients[actor];

        switch (action)
        {
            case "view":
                Assert.Equal(expected, await client.StatusAsync(HttpMethod.Get, $"/v1/documents/{documentId}"));
                Assert.Equal(expected, await client.StatusAsync(HttpMethod.Get, $"/v1/files/{fileId}"));
                Assert.Equal(expected, await client.StatusAsync(HttpMethod.Get, $"/v1/files/{fileId}/content"));
                Assert.Equal(expected, await client.StatusAsync(HttpMethod.Get, $"/v1/documents/{documentId}/files"));
                break;
            case "edit":
                Assert.Equal(expected, await client.StatusAsync(HttpMethod.Patch, $"/v1/documents/{documentId}", new { title = "changed" }));
                using (var upload = await client.PutFileAsync(documentId, "new bytes"u8.ToArray(), "b.txt"))
                {
                    Assert.Equal(expected == HttpStatusCode.OK ? HttpStatusCode.Created : expected, upload.StatusCode);
                }

                break;
            case "delete":
                Assert.Equal(expected, await client.StatusAsync(HttpMethod.Delete, $"/v1/files/{fileId}"));
                Assert.Equal(expected, await client.StatusAsync(HttpMethod.Delete, $"/v1/documents/{documentId}"));
                break;
        }

        var title = (await (await _admin.GetAsync($"/v1/documents/{documentId}", NativeApi.Token)).JsonAsync()).Str("title");
        Assert.Equal(action == "edit" && expected == HttpStatusCode.OK ? "changed" : "shared", title);
    }

    [Fact]
    public async Task B12_A_list_shows_each_caller_only_what_it_may_view()
    {
        var (shared, _) = await CreateSharedDocumentAsync();
        var own = (await _clients["sam"].CreateDocumentAsync(new { title = "sam's" })).Str("id");

        foreach (var actor in Actors)
        {
            var ids = (await _clients[actor].GetFromJsonAsync<Page>("/v1/documents", NativeApi.Token))!.Items.Select(d => d.Id).ToHashSet();
            Assert.Equal(actor != "sam", ids.Contains(shared));
            Assert.Equal(actor == "sam", ids.Contains(own));
        }
    }

    [Fact]
    public async Task B12_A_deleted_document_and_a_removed_file_are_gone_for_everyone_but_admins()
    {
        var (documentId, fileId) = await CreateSharedDocumentAsync();
        var (otherId, otherFile) = await CreateSharedDocumentAsync();
        Assert.Equal(HttpStatusCode.NoContent, await _clients["olivia"].StatusAsync(HttpMethod.Delete, $"/v1/files/{fileId}"));
        Assert.Equal(HttpStatusCode.NoContent, await _clients["olivia"].StatusAsync(HttpMethod.Delete, $"/v1/documents/{otherId}"));

        foreach (var actor in Actors)
        {
            Assert.Equal(HttpStatusCode.NotFound, await _clients[actor].StatusAsync(HttpMethod.Get, $"/v1/files/{fileId}"));
            Assert.Equal(HttpStatusCode.NotFound, await _clients[actor].StatusAsync(HttpMethod.Get, $"/v1/files/{fileId}/content"));
            Assert.Equal(HttpStatusCode.NotFound, await _clients[actor].StatusAsync(HttpMethod.Get, $"/v1/documents/{otherId}"));
            Assert.Equal(HttpStatusCode.NotFound, await _clients[actor].StatusAsync(HttpMethod.Get, $"/v1/files/{otherFile}/content"));
        }

        Assert.Equal(HttpStatusCode.OK, await _admin.StatusAsync(HttpMethod.Get, $"/v1/files/{fileId}"));
        Assert.Equal(HttpStatusCode.OK, await _admin.StatusAsync(HttpMethod.Get, $"/v1/documents/{otherId}"));
        Assert.Equal(HttpStatusCode.OK, await _admin.StatusAsync(HttpMethod.Get, $"/v1/documents/{documentId}"));
    }

    [Fact]
    public async Task A_user_may_not_create_a_document_for_someone_else_nor_import()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await _clients["sam"].StatusAsync(HttpMethod.Post, "/v1/documents", new { owner = "olivia" }));
        Assert.Equal(HttpStatusCode.Forbidden, await _clients["sam"].StatusAsync(HttpMethod.Post, "/v1/import", new { documents = Array.Empty<object>() }));
    }

    [Fact]
    public async Task Every_denial_is_audited_with_who_what_and_where_from()
    {
        var (documentId, fileId) = await CreateSharedDocumentAsync();
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{fileId}/content"))
        {
            request.Headers.Add("X-Correlation-Id", "probe-1");
            request.Headers.UserAgent.ParseAdd("prober/2.0");
            using var response = await _clients["sam"].SendAsync(request, NativeApi.Token);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, await _clients["gina"].StatusAsync(HttpMethod.Delete, $"/v1/documents/{documentId}"));
        Assert.Equal(HttpStatusCode.Forbidden, await _clients["gina"].StatusAsync(HttpMethod.Post, "/v1/principals", new { name = "x" }));
        Assert.Equal(HttpStatusCode.Forbidden, await _clients["gina"].StatusAsync(HttpMethod.Post, "/v1/import", new { documents = Array.Empty<object>() }));
        Assert.Equal(HttpStatusCode.Forbidden, await _clients["gina"].StatusAsync(HttpMethod.Get, "/v1/audit"));

        var sam = Assert.Single(await DenialsAsync("sam", 1));
        Assert.Equal((documentId, fileId, "view", "NotFound", "probe-1", "prober/2.0"),
            (sam.Str("documentId"), sam.Str("fileId"), sam.Str("detail"), sam.Str("result"), sam.Str("correlationId"), sam.Str("userAgent")));
        var gina = await DenialsAsync("gina", 4);
        Assert.Equal(4, gina.Count);
        Assert.Contains(gina, e => e.Str("detail") == "delete" && e.Str("documentId") == documentId);
        Assert.Contains(gina, e => e.Str("detail") == "manage-principals");
        Assert.Contains(gina, e => e.Str("detail") == "import");
    }

    private Task<List<System.Text.Json.JsonElement>> DenialsAsync(string principal, int count) =>
        _admin.AuditEventsAsync($"?action=denied&principal={principal}", count);

    private async Task<(string DocumentId, string FileId)> CreateSharedDocumentAsync()
    {
        var document = await _admin.CreateDocumentAsync(new
        {
            owner = "olivia",
            title = "shared",
            acl = new object[]
            {
                new { group = "team", permissions = new[] { "view" } },
                new { group = "editors", permissions = new[] { "view", "edit" } },
                new { principal = "dora", permissions = new[] { "view", "delete" } },
            },
        });
        var id = document.Str("id");
        var file = await _admin.UploadAsync(id, "secret bytes"u8.ToArray(), "a.txt");
        return (id, file.Str("id"));
    }

    private sealed record Page(List<Item> Items);

    private sealed record Item(string Id);
}
