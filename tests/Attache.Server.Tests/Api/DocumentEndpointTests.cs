using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Attache.Server.Tests.Api;

public sealed class DocumentEndpointTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new();
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = _app.CreateAdminClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Creating_a_document_with_a_chosen_id_returns_it_with_its_location()
    {
        using var response = await _client.PostAsJsonAsync("/v1/documents",
            new { id = "doc-abc-123", kind = "dictation", title = "Letter", state = "TranscriptionFinished", folder = "archive", properties = new { roomId = "6" } },
            NativeApi.Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/v1/documents/doc-abc-123", response.Headers.Location?.OriginalString);
        var body = await response.JsonAsync();
        Assert.Equal("doc-abc-123", body.Str("id"));
        Assert.Equal("dictation", body.Str("kind"));
        Assert.Equal("admin", body.Str("owner"));
        Assert.Equal("archive", body.Str("folder"));
        Assert.Equal("6", body.GetProperty("properties").Str("roomId"));
        Assert.Equal("2026-11-22T12:00:00+00:00", body.Str("created"));
    }

    [Fact]
    public async Task Creating_a_document_without_an_id_generates_a_guid()
    {
        var body = await _client.CreateDocumentAsync(new { title = "untitled" });
        Assert.True(Guid.TryParse(body.Str("id"), out _));
        Assert.Equal("generic", body.Str("kind"));
    }

    [Fact]
    public async Task Creating_a_document_twice_with_one_id_is_a_conflict()
    {
        await _client.CreateDocumentAsync(new { id = "1234" });
        using var response = await _client.PostAsJsonAsync("/v1/documents", new { id = "1234" }, NativeApi.Token);
        await response.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData(".hidden")]
    [InlineData("a b")]
    [InlineData("")]
    public async Task A_malformed_document_id_is_a_bad_request_naming_the_field(string id)
    {
        using var response = await _client.PostAsJsonAsync("/v1/documents", new { id }, NativeApi.Token);
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("id", problem.Str("field"));
    }

    [Fact]
    public async Task A_malformed_document_id_in_the_path_is_a_bad_request()
    {
        using var response = await _client.GetAsync("/v1/documents/..%2F..%2Fetc%2Fpasswd", NativeApi.Token);
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Malformed_json_is_a_bad_request()
    {
        using var content = new StringContent("{\"id\": ", Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/v1/documents", content, NativeApi.Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"attributes":[null]}""", "attributes[0]")]
    [InlineData("""{"acl":[null]}""", "acl[0]")]
    [InlineData("""{"properties":{"a":null}}""", "properties.a")]
    [InlineData("""{"attributes":[{"id":"x"}]}""", "attributes[0].type")]
    [InlineData("""{"attributes":[{"id":"x","type":"file"}]}""", "attributes[0].visibility")]
    [InlineData("""{"attributes":[{"id":"x","type":"file","visibility":"Z"}]}""", "attributes[0].visibility")]
    [InlineData("""{"attributes":[{"id":"x","type":"","visibility":"W"}]}""", "attributes[0].type")]
    [InlineData("""{"attributes":[{"type":"file","visibility":"W"}]}""", "attributes[0].id")]
    [InlineData("""{"attributes":[{"id":"x","type":null,"visibility":"W"}]}""", "attributes[0].type")]
    [InlineData("""{"acl":[{"principal":"bob"}]}""", "acl[0].permissions")]
    [InlineData("""{"acl":[{"principal":"bob","permissions":null}]}""", "acl[0].permissions")]
    [InlineData("""{"acl":[{"principal":"bob","permissions":[null]}]}""", "acl[0].permissions")]
    [InlineData("""{"acl":[{"principal":"bob","permissions":["view"]},{"group":"g","principal":"p","permissions":[]}]}""", "acl[1]")]
    public async Task Nulls_and_incomplete_entries_in_a_new_document_are_a_bad_request_naming_the_field(string json, string field)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/v1/documents", content, NativeApi.Token);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.Str("field"));
        Assert.Equal(0, (await (await _client.GetAsync("/v1/documents?includeDeleted=true", NativeApi.Token)).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("H")]
    [InlineData("R")]
    [InlineData("W")]
    [InlineData("O")]
    [InlineData("I")]
    [InlineData("S")]
    [InlineData("U")]
    public async Task Every_dynacase_visibility_letter_is_accepted_for_an_attribute(string visibility)
    {
        var body = await _client.CreateDocumentAsync(new
        {
            attributes = new[] { new { id = "fi_file", type = "file", multiple = true, visibility } },
            acl = new[] { new { principal = "bob", permissions = new[] { "view" } } },
        });

        var attribute = Assert.Single(body.GetProperty("attributes").EnumerateArray());
        Assert.Equal("""{"id":"fi_file","type":"file","multiple":true,"visibility":"VIS"}""".Replace("VIS", visibility, StringComparison.Ordinal), attribute.GetRawText());
    }

    [Fact]
    public async Task A_null_property_value_in_a_patch_still_removes_the_property()
    {
        await _client.CreateDocumentAsync(new { id = "np", properties = new { a = "1" } });
        using var content = new StringContent("""{"properties":{"a":null}}""", Encoding.UTF8, "application/json");

        using var response = await _client.PatchAsync("/v1/documents/np", content, NativeApi.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", (await response.JsonAsync()).GetProperty("properties").GetRawText());
    }

    [Fact]
    public async Task An_unknown_document_is_not_found_as_problem_details()
    {
        using var response = await _client.GetAsync("/v1/documents/nope", NativeApi.Token);
        var problem = await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("nope", problem.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patching_a_document_changes_only_the_given_fields_and_a_null_property_removes_it()
    {
        await _client.CreateDocumentAsync(new { id = "p1", title = "old", state = "Draft", properties = new { a = "1", b = "2" } });
        _app.Clock.Advance(TimeSpan.FromMinutes(5));

        using var response = await _client.PatchAsJsonAsync("/v1/documents/p1",
            new { title = "new", properties = new Dictionary<string, string?> { ["a"] = null, ["c"] = "3" } }, NativeApi.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("new", body.Str("title"));
        Assert.Equal("Draft", body.Str("state"));
        var properties = body.GetProperty("properties");
        Assert.False(properties.TryGetProperty("a", out _));
        Assert.Equal("2", properties.Str("b"));
        Assert.Equal("3", properties.Str("c"));
        Assert.Equal("2026-11-22T12:05:00+00:00", body.Str("modified"));
    }

    [Fact]
    public async Task Deleting_a_document_is_soft_and_hides_it_from_listings()
    {
        await _client.CreateDocumentAsync(new { id = "gone" });
        using (var deleted = await _client.DeleteAsync("/v1/documents/gone", NativeApi.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var visible = await (await _client.GetAsync("/v1/documents", NativeApi.Token)).JsonAsync();
        Assert.Equal(0, visible.GetProperty("items").GetArrayLength());
        var all = await (await _client.GetAsync("/v1/documents?includeDeleted=true", NativeApi.Token)).JsonAsync();
        Assert.Equal("gone", all.GetProperty("items")[0].Str("id"));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, all.GetProperty("items")[0].GetProperty("deleted").ValueKind);
    }

    [Fact]
    public async Task Listing_filters_by_kind_owner_state_and_folder()
    {
        await _client.CreateDocumentAsync(new { id = "d1", kind = "dictation", state = "TranscriptionFinished", folder = "archive" });
        await _client.CreateDocumentAsync(new { id = "d2", kind = "dictation", state = "TranscriptionFinished", folder = "finished" });
        await _client.CreateDocumentAsync(new { id = "m1", kind = "message" });

        Assert.Equal(["d1", "d2"], await IdsAsync("/v1/documents?kind=dictation"));
        Assert.Equal(["d2"], await IdsAsync("/v1/documents?kind=dictation&folder=finished"));
        Assert.Equal(["d1", "d2"], await IdsAsync("/v1/documents?state=TranscriptionFinished"));
        Assert.Equal(["d1", "d2", "m1"], await IdsAsync("/v1/documents?owner=admin"));
        Assert.Empty(await IdsAsync("/v1/documents?owner=sarah"));
    }

    [Fact]
    public async Task Listing_pages_with_a_cursor_until_it_is_null()
    {
        for (var i = 0; i < 7; i++)
        {
            await _client.CreateDocumentAsync(new { id = $"doc-{i}" });
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await _client.GetAsync($"/v1/documents?limit=3{(cursor is null ? "" : "&cursor=" + cursor)}", NativeApi.Token)).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(d => d.Str("id")));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"doc-{i}"), seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=abc")]
    [InlineData("cursor=..%2F")]
    public async Task Listing_with_a_bad_limit_or_cursor_is_a_bad_request(string query)
    {
        using var response = await _client.GetAsync($"/v1/documents?{query}", NativeApi.Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_method_is_405()
    {
        await _client.CreateDocumentAsync(new { id = "m" });
        using var response = await _client.PutAsync("/v1/documents/m", new StringContent("{}"), NativeApi.Token);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-key")]
    [InlineData("Bearer ")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task Requests_without_the_right_key_are_unauthorized(string? authorization)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/documents");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private async Task<List<string>> IdsAsync(string path)
    {
        var page = await (await _client.GetAsync(path, NativeApi.Token)).JsonAsync();
        return page.GetProperty("items").EnumerateArray().Select(d => d.Str("id")).ToList();
    }
}
