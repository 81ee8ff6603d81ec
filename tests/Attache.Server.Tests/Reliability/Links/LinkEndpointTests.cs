using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Auth;

namespace Attache.Server.Tests.Reliability.Links;

/// <summary>
/// Presigned links, and reliability §3 F: F39 tampering (every line of the payload, the MAC, added query parameters,
/// garbage, length), F40 expiry at the second and lifetimes refused at issue (a token claiming more than the maximum is
/// refused at use, in F39's test), F41 scope (another file or version, other methods, no token in the logs,
/// <c>Referrer-Policy: no-referrer</c>), and B18 (access withdrawn after a link was issued).
/// F42 (redirects to the object store's own presigned URLs, with server-chosen response headers) is
/// Http/S3RedirectDownloadTests; the store's signature checks are the store's. Links carry no method in the MAC because
/// <c>/l/{token}</c> answers only GET and HEAD (other methods 405).
/// </summary>
public sealed class LinkEndpointTests : IAsyncLifetime
{
    private static readonly byte[] Content = NativeApi.Bytes(100_000, seed: 7);

    private readonly AttacheApp _app = new();
    private HttpClient _admin = null!;
    private HttpClient _anonymous = null!;
    private string _fileId = "";

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        _anonymous = _app.CreateClient();
        await _admin.CreateDocumentAsync(new { id = "doc" });
        _fileId = (await _admin.UploadAsync("doc", Content, "report.pdf")).Str("id");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _anonymous.Dispose();
        await _app.DisposeAsync();
    }

    private static async Task<JsonElement> IssueAsync(HttpClient client, string fileId, object? body = null)
    {
        using var response = body is null
            ? await client.PostAsync($"/v1/files/{fileId}/links", null, NativeApi.Token)
            : await client.PostAsJsonAsync($"/v1/files/{fileId}/links", body, NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private Task<JsonElement> IssueAsync(object? body = null) => IssueAsync(_admin, _fileId, body);

    private static string PathOf(JsonElement link) => new Uri(link.Str("url")).PathAndQuery;

    [Fact]
    public async Task F41_A_link_downloads_byte_exact_without_any_other_credential_and_sends_no_referrer()
    {
        var link = await IssueAsync();

        Assert.StartsWith("http://localhost/l/", link.Str("url"), StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 13, 0, 0, TimeSpan.Zero), link.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal((_fileId, 1), (link.Str("fileId"), link.GetProperty("version").GetInt32()));
        using var response = await _anonymous.GetAsync(PathOf(link), NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Content, await response.Content.ReadAsByteArrayAsync(NativeApi.Token));
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task A_link_answers_ranges_conditionals_and_head_like_every_download()
    {
        var path = PathOf(await IssueAsync());

        using var ranged = new HttpRequestMessage(HttpMethod.Get, path);
        ranged.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var partial = await _anonymous.SendAsync(ranged, NativeApi.Token);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(Content[1000..2000], await partial.Content.ReadAsByteArrayAsync(NativeApi.Token));
        var etag = partial.Headers.ETag!;

        using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await _anonymous.SendAsync(conditional, NativeApi.Token);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var head = await _anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(Content.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(NativeApi.Token));
    }

    [Fact]
    public async Task A_link_keeps_serving_the_version_it_was_issued_for()
    {
        var path = PathOf(await IssueAsync());
        await _admin.UploadAsync("doc", "a newer version"u8.ToArray(), "report.pdf");

        using var response = await _anonymous.GetAsync(path, NativeApi.Token);

        Assert.Equal(Content, await response.Content.ReadAsByteArrayAsync(NativeApi.Token));
        using var current = await _admin.GetAsync($"/v1/files/{_fileId}/content", NativeApi.Token);
        Assert.Equal("a newer version", await current.Content.ReadAsStringAsync(NativeApi.Token));
    }

    [Fact]
    public async Task A_link_ignores_a_wrong_authorization_header()
    {
        var path = PathOf(await IssueAsync());
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-key");

        using var response = await _anonymous.SendAsync(request, NativeApi.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task F39_A_tampered_token_or_anything_added_to_the_link_is_forbidden()
    {
        var path = PathOf(await IssueAsync());
        var token = path["/l/".Length..];
        var flipped = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        var lastFlipped = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        foreach (var bad in new[] { "/l/" + flipped, "/l/" + lastFlipped, path + "?exp=9999999999", path + "?x=1", "/l/" + token.Replace('.', '_') })
        {
            using var response = await _anonymous.GetAsync(bad, NativeApi.Token);
            var problem = await response.ProblemAsync(HttpStatusCode.Forbidden);
            Assert.Equal("The link is not valid.", problem.Str("detail"));
        }
    }

    [Theory]
    [InlineData(1, "s9")]
    [InlineData(2, "2")]
    [InlineData(3, "2")]
    [InlineData(4, "1893456000")]
    [InlineData(5, "0123456789abcdef")]
    public async Task F39_F41_A_token_naming_another_key_file_version_or_expiry_under_the_original_signature_is_forbidden(int line, string value)
    {
        var token = PathOf(await IssueAsync())["/l/".Length..];
        await _admin.UploadAsync("doc", [1, 2], "version-2.bin");
        await _admin.UploadAsync("doc", [3, 4], "file-2.bin", slot: "other");
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        var lines = System.Text.Encoding.ASCII.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, dot))).Split('\n');
        Assert.Equal(["a2", "s1", _fileId, "1"], lines[..4]);
        Assert.Equal(6, lines.Length);
        lines[line] = value;
        var forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.ASCII.GetBytes(string.Join('\n', lines))) + token[dot..];

        using var response = await _anonymous.GetAsync("/l/" + forged, NativeApi.Token);

        await response.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b")]
    [InlineData("..%2f..%2fetc%2fpasswd")]
    [InlineData("%C3%BF%C3%BF.%C3%BF")]
    public async Task F39_Garbage_tokens_are_forbidden_not_errors(string token)
    {
        using var response = await _anonymous.GetAsync("/l/" + token, NativeApi.Token);

        await response.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task F39_A_very_long_token_is_forbidden()
    {
        using var response = await _anonymous.GetAsync("/l/" + new string('A', 4000) + ".AAAA", NativeApi.Token);

        await response.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task F40_An_expired_link_is_gone_at_its_second()
    {
        var path = PathOf(await IssueAsync(new { ttlSeconds = 60 }));

        _app.Clock.Advance(TimeSpan.FromSeconds(59));
        using (var stillGood = await _anonymous.GetAsync(path, NativeApi.Token))
        {
            Assert.Equal(HttpStatusCode.OK, stillGood.StatusCode);
        }

        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        using var expired = await _anonymous.GetAsync(path, NativeApi.Token);
        await expired.ProblemAsync(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task A_link_to_a_file_removed_or_a_document_deleted_since_is_not_found()
    {
        var removedPath = PathOf(await IssueAsync());
        await _admin.CreateDocumentAsync(new { id = "other" });
        var other = (await _admin.UploadAsync("other", [1, 2, 3])).Str("id");
        var deletedPath = PathOf(await IssueAsync(_admin, other));

        (await _admin.DeleteAsync($"/v1/files/{_fileId}", NativeApi.Token)).Dispose();
        (await _admin.DeleteAsync("/v1/documents/other", NativeApi.Token)).Dispose();

        using var removed = await _anonymous.GetAsync(removedPath, NativeApi.Token);
        await removed.ProblemAsync(HttpStatusCode.NotFound);
        using var deleted = await _anonymous.GetAsync(deletedPath, NativeApi.Token);
        await deleted.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(604_801)]
    public async Task F40_A_lifetime_that_is_not_positive_or_beyond_the_maximum_is_400_naming_ttlSeconds(long ttlSeconds)
    {
        using var response = await _admin.PostAsJsonAsync($"/v1/files/{_fileId}/links", new { ttlSeconds }, NativeApi.Token);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("ttlSeconds", problem.Str("field"));
    }

    [Fact]
    public async Task A_chosen_lifetime_sets_the_expiry_and_an_empty_object_takes_the_default()
    {
        var short_ = await IssueAsync(new { ttlSeconds = 90 });
        var default_ = await IssueAsync(new { });
        var week = await IssueAsync(new { ttlSeconds = 604_800 });

        Assert.Equal(_app.Clock.GetUtcNow().AddSeconds(90), short_.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(_app.Clock.GetUtcNow().AddHours(1), default_.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(_app.Clock.GetUtcNow().AddDays(7), week.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Issuing_needs_credentials_and_an_existing_file()
    {
        using var anonymous = await _anonymous.PostAsync($"/v1/files/{_fileId}/links", null, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var missing = await _admin.PostAsync("/v1/files/999/links", null, NativeApi.Token);
        await missing.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_link_whose_version_was_purged_never_serves_the_bytes_of_a_later_version_with_the_same_number()
    {
        var path = PathOf(await IssueAsync());
        (await _admin.DeleteAsync("/v1/documents/doc?purge=true", NativeApi.Token)).Dispose();

        // The document comes back through an import, and its file's first version since then has number 1 again.
        using var restored = await _admin.PostAsync("/v1/import", new StringContent($$"""
            { "documents": [ { "id": "doc", "deleted": false,
                "files": [ { "id": "{{_fileId}}", "fileName": "report.pdf", "content": { "text": "other bytes" } } ] } ] }
            """, System.Text.Encoding.UTF8, "application/json"), NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(1, (await _admin.GetFromJsonAsync<JsonElement>($"/v1/files/{_fileId}", NativeApi.Token)).GetProperty("version").GetInt32());

        using var response = await _anonymous.GetAsync(path, NativeApi.Token);
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task F41_A_link_cannot_be_used_to_write_or_delete()
    {
        var path = PathOf(await IssueAsync());

        using var delete = await _anonymous.DeleteAsync(path, NativeApi.Token);
        using var put = await _anonymous.PutAsync(path, new ByteArrayContent([1]), NativeApi.Token);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
    }

    [Fact]
    public async Task F41_A_token_never_reaches_the_logs_whatever_its_fate()
    {
        var path = PathOf(await IssueAsync(new { ttlSeconds = 60 }));
        var token = path["/l/".Length..];
        var tampered = "/l/" + token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        using (var good = await _anonymous.GetAsync(path, NativeApi.Token))
        using (var refused = await _anonymous.GetAsync(tampered, NativeApi.Token))
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden), (good.StatusCode, refused.StatusCode));
        }

        _app.Clock.Advance(TimeSpan.FromSeconds(61));
        using (var expired = await _anonymous.GetAsync(path, NativeApi.Token))
        {
            Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        }

        var signature = token[(token.LastIndexOf('.') + 1)..];
        Assert.DoesNotContain(_app.Logs.GetSnapshot(), record => (record.Message + record.Exception).Contains(signature, StringComparison.Ordinal));
    }

    [Fact]
    public async Task B18_A_link_outlives_the_access_of_its_issuer_until_it_expires_as_documented()
    {
        await _admin.CreatePrincipalAsync(new { name = "reader", groups = new[] { "readers" } });
        using var reader = _app.ClientWithKey(await _admin.IssueKeyAsync("reader"));
        await _admin.CreateDocumentAsync(new { id = "shared", acl = new[] { new { group = "readers", permissions = new[] { "view" } } } });
        var fileId = (await _admin.UploadAsync("shared", Content, "shared.pdf")).Str("id");
        var path = PathOf(await IssueAsync(reader, fileId, new { ttlSeconds = 60 }));

        Assert.Equal(HttpStatusCode.OK, await _admin.StatusAsync(HttpMethod.Patch, "/v1/principals/reader", new { groups = Array.Empty<string>() }));

        Assert.Equal(HttpStatusCode.NotFound, await reader.StatusAsync(HttpMethod.Get, $"/v1/files/{fileId}/content"));
        Assert.Equal(HttpStatusCode.OK, await _anonymous.StatusAsync(HttpMethod.Get, path));
        _app.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Gone, await _anonymous.StatusAsync(HttpMethod.Get, path));
    }
}
