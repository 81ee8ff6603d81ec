using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Attache.Server.Tests.Audit;
using Attache.Server.Tests.Auth;

namespace Attache.Server.Tests.Api;

/// <summary>
/// <c>PATCH /v1/documents/{id}</c> with <c>acl</c>: whoever administers the document replaces its access list, the
/// change holds from the very next request, is validated as at creation, and is audited.
/// </summary>
public sealed class DocumentAclTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new();
    private HttpClient _admin = null!;
    private HttpClient _alice = null!;
    private HttpClient _bob = null!;
    private HttpClient _carol = null!;
    private HttpClient _dave = null!;

    private static CancellationToken Token => NativeApi.Token;

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        _alice = await _app.UserAsync(_admin, "alice");
        _bob = await _app.UserAsync(_admin, "bob");
        _carol = await _app.UserAsync(_admin, "carol", "team");
        _dave = await _app.UserAsync(_admin, "dave");
        await _alice.CreateDocumentAsync(new
        {
            id = "memo",
            acl = new object[] { new { principal = "bob", permissions = new[] { "view" } }, new { principal = "dave", permissions = new[] { "view", "edit" } } },
        });
        await _alice.UploadAsync("memo", "memo bytes"u8.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in new[] { _admin, _alice, _bob, _carol, _dave })
        {
            client.Dispose();
        }

        await _app.DisposeAsync();
    }

    private static async Task<HttpResponseMessage> PatchAclAsync(HttpClient client, string json) =>
        await client.PatchAsync("/v1/documents/memo", new StringContent($$"""{"acl":{{json}}}""", Encoding.UTF8, "application/json"), Token);

    private static async Task<HttpStatusCode> ReadAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/v1/documents/memo", Token);
        return response.StatusCode;
    }

    private static async Task<bool> ListsMemoAsync(HttpClient client)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("/v1/documents", Token);
        return page.GetProperty("items").EnumerateArray().Any(d => d.Str("id") == "memo");
    }

    private async Task<string> AclAsync() => (await (await _admin.GetAsync("/v1/documents/memo", Token)).JsonAsync()).GetProperty("acl").GetRawText();

    [Fact]
    public async Task The_owner_replaces_the_acl_and_it_holds_from_the_next_request()
    {
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_bob));
        Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(_carol));

        using var response = await PatchAclAsync(_alice, """[{"group":"team","permissions":["view"]}]""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var acl = Assert.Single((await response.JsonAsync()).GetProperty("acl").EnumerateArray());
        Assert.Equal("team", acl.Str("group"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_carol));
        Assert.True(await ListsMemoAsync(_carol));
        using var download = await _carol.GetAsync((await _carol.GetFromJsonAsync<JsonElement>("/v1/documents/memo/files", Token)).GetProperty("items")[0].Str("id") is var fileId ? $"/v1/files/{fileId}/content" : "", Token);
        Assert.Equal("memo bytes", await download.Content.ReadAsStringAsync(Token));
        Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(_bob));
        Assert.False(await ListsMemoAsync(_bob));
        Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(_dave));
    }

    [Fact]
    public async Task An_empty_acl_leaves_the_document_to_its_owner()
    {
        using var response = await PatchAclAsync(_alice, "[]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(_bob));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_alice));
    }

    [Fact]
    public async Task Without_admin_on_the_document_the_acl_cannot_change_and_a_stranger_is_told_it_does_not_exist()
    {
        var before = await AclAsync();

        using var editor = await PatchAclAsync(_dave, """[{"principal":"dave","permissions":["admin"]}]""");
        await editor.ProblemAsync(HttpStatusCode.Forbidden);
        using var viewer = await PatchAclAsync(_bob, """[{"principal":"bob","permissions":["admin"]}]""");
        await viewer.ProblemAsync(HttpStatusCode.Forbidden);
        using var stranger = await PatchAclAsync(_carol, """[{"principal":"carol","permissions":["view"]}]""");
        await stranger.ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(before, await AclAsync());
        Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(_carol));

        // An editor still edits everything else.
        Assert.Equal(HttpStatusCode.OK, await _dave.StatusAsync(HttpMethod.Patch, "/v1/documents/memo", new { title = "edited" }));
    }

    [Fact]
    public async Task Whoever_holds_admin_on_the_document_may_change_its_acl_as_may_a_server_administrator()
    {
        using (var grant = await PatchAclAsync(_alice, """[{"principal":"bob","permissions":["admin"]}]"""))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        }

        using (var byDelegate = await PatchAclAsync(_bob, """[{"principal":"bob","permissions":["admin"]},{"principal":"carol","permissions":["view"]}]"""))
        {
            Assert.Equal(HttpStatusCode.OK, byDelegate.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await ReadAsync(_carol));

        using (var byAdmin = await PatchAclAsync(_admin, "[]"))
        {
            Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(_carol));
        Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(_bob));
    }

    [Theory]
    [InlineData("""[{"principal":"bob","permissions":["read"]}]""", "acl[0].permissions")]
    [InlineData("""[{"principal":"bob","group":"team","permissions":["view"]}]""", "acl[0]")]
    [InlineData("""[{"permissions":["view"]}]""", "acl[0]")]
    [InlineData("""[{"principal":"carol","permissions":["view"]},null]""", "acl[1]")]
    [InlineData("""[{"principal":"bob"}]""", "acl[0].permissions")]
    public async Task An_invalid_acl_is_400_naming_the_field_and_changes_nothing(string acl, string field)
    {
        var before = await AclAsync();

        using var response = await PatchAclAsync(_alice, acl);

        Assert.StartsWith(field, (await response.ProblemAsync(HttpStatusCode.BadRequest)).Str("field"), StringComparison.Ordinal);
        Assert.Equal(before, await AclAsync());
        Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(_carol));
    }

    [Theory]
    [InlineData("""{"principal":"bob","permissions":["view"]}""")]
    [InlineData("\"bob\"")]
    [InlineData("""[{"principal":"bob","permissions":"view"}]""")]
    public async Task An_acl_of_the_wrong_json_shape_is_400_and_changes_nothing(string acl)
    {
        var before = await AclAsync();

        using var response = await PatchAclAsync(_alice, acl);

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await AclAsync());
    }

    [Fact]
    public async Task A_long_acl_is_audited_shortened()
    {
        var entries = string.Join(',', Enumerable.Range(0, 200).Select(i => $$"""{"principal":"user-{{i}}","permissions":["view"]}"""));

        using var response = await PatchAclAsync(_alice, $"[{entries}]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(200, (await response.JsonAsync()).GetProperty("acl").GetArrayLength());
        var detail = Assert.Single(await _admin.AuditEventsAsync("?action=acl&document=memo")).Str("detail");
        Assert.EndsWith("…", detail, StringComparison.Ordinal);
        Assert.InRange(detail.Length, 1000, 1100);
    }

    [Fact]
    public async Task A_change_is_audited_with_the_list_before_and_after_and_a_refusal_as_denied()
    {
        using (var changed = await PatchAclAsync(_alice, """[{"group":"team","permissions":["view","edit"]}]"""))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        using (var same = await PatchAclAsync(_alice, """[{"group":"team","permissions":["view","edit"]}]"""))
        {
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        }

        using (var refused = await PatchAclAsync(_carol, "[]"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // The refusal came last: once it is in the trail, so is every change before it (writes keep their order).
        var denied = await _admin.AuditEventsAsync("?action=denied&principal=carol&document=memo");
        Assert.Equal("memo", Assert.Single(denied).Str("documentId"));
        var change = Assert.Single(await _admin.AuditEventsAsync("?action=acl&document=memo"));
        Assert.Equal("alice", change.Str("principal"));
        Assert.Equal("principal bob: view; principal dave: view,edit -> group team: view,edit", change.Str("detail"));
    }
}
