using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Attache.Client;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Import;

public sealed class ImportTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new();
    private HttpClient _http = null!;
    private AttacheClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _http = _app.CreateAdminClient();
        _client = new AttacheClient(_http);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private static CancellationToken Token => NativeApi.Token;

    [Fact]
    public async Task Importing_the_demo_creates_exactly_its_documents_and_files_and_each_downloads_byte_exact()
    {
        var report = await _client.ImportAsync(Samples.Demo, Token);

        Assert.Equal(new AttacheImportReport(6, 0, 0, 6, 0, 0, 0, Samples.ExpectedBytes().Values.Sum(b => (long)b.Length), 5, 0, 0), report);
        var documents = await GetJsonAsync("/v1/documents?includeDeleted=true");
        Assert.Equal(
            ["1ea29334-6008-41e4-8db5-0c88c14f6ac0", "42", "doc-welcome", "dyn-1001", "rev-transcript-1", "url-doc-1"],
            documents.GetProperty("items").EnumerateArray().Select(d => d.Str("id")));
        foreach (var (fileId, expected) in Samples.ExpectedBytes())
        {
            using var downloaded = new MemoryStream();
            await _client.DownloadAsync(fileId, downloaded, Token);
            Assert.Equal(expected, downloaded.ToArray());
        }

        var dictation = await GetJsonAsync("/v1/documents/1ea29334-6008-41e4-8db5-0c88c14f6ac0");
        Assert.Equal(("dictation", "sarah", "TranscriptionFinished", "archive"),
            (dictation.Str("kind"), dictation.Str("owner"), dictation.Str("state"), dictation.Str("folder")));
        var rtf = await GetJsonAsync("/v1/files/1256");
        Assert.Equal(("attachment", 0, "test044.wav.rtf", "application/rtf", "ReadyForDownloadFromServerToClient", 1),
            (rtf.Str("slot"), rtf.GetProperty("index").GetInt32(), rtf.Str("fileName"), rtf.Str("mediaType"), rtf.Str("state"),
                rtf.GetProperty("version").GetInt32()));
        Assert.Equal("image/png", (await GetJsonAsync("/v1/files/77")).Str("mediaType"));
        Assert.Equal("6", (await GetJsonAsync("/v1/documents/42")).GetProperty("properties").Str("roomId"));
        Assert.Equal("admin", (await GetJsonAsync("/v1/documents/42")).Str("owner"));
        Assert.Equal("rev-user", (await GetJsonAsync("/v1/documents/rev-transcript-1")).Str("owner"));
        var dynacase = await GetJsonAsync("/v1/documents/dyn-1001");
        Assert.Equal(
            """[{"id":"fi_file","type":"file","multiple":false,"visibility":"W"},{"id":"fi_secret","type":"file","multiple":false,"visibility":"I"}]""",
            dynacase.GetProperty("attributes").GetRawText());
        var url = await GetJsonAsync("/v1/documents/url-doc-1");
        Assert.Equal("https://example.com/reports/q3.pdf", url.Str("sourceUrl"));
        Assert.Empty((await GetJsonAsync("/v1/documents/url-doc-1/files")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Importing_the_demo_twice_changes_nothing_the_second_time()
    {
        await _client.ImportAsync(Samples.Demo, Token);
        var before = (await GetJsonAsync("/v1/documents/doc-welcome")).GetRawText();
        var blobs = _app.BlobFiles().Order().ToList();
        _app.Clock.Advance(TimeSpan.FromHours(1));

        var again = await _client.ImportAsync(Samples.Demo, Token);

        Assert.Equal(new AttacheImportReport(0, 0, 6, 0, 0, 0, 6, 0, 0, 0, 5), again);
        Assert.Equal(before, (await GetJsonAsync("/v1/documents/doc-welcome")).GetRawText());
        foreach (var fileId in Samples.ExpectedBytes().Keys)
        {
            Assert.Single((await GetJsonAsync($"/v1/files/{fileId}/versions")).GetProperty("items").EnumerateArray());
        }

        Assert.Equal(blobs, _app.BlobFiles().Order());
    }

    [Fact]
    public async Task A_manifest_with_several_errors_is_refused_with_every_one_and_leaves_nothing_behind()
    {
        const string manifest = """
            {
              "principals": [ { "name": "sa:rah", "kind": "user", "groups": ["enterprise"] } ],
              "documents": [
                { "id": "doc-1", "colour": "red", "files": [ { "content": { "text": "a" } } ] },
                { "id": "bad id!" },
                { "id": "doc-3", "files": [
                  { "id": "5", "index": 0 },
                  { "id": "6", "index": 1, "content": { "text": "b" } },
                  { "id": "6", "index": 2, "content": { "text": "c" } } ] },
                { "id": "doc-4", "files": [ { "content": { "path": "files/missing.txt" } } ] }
              ]
            }
            """;

        using var response = await PostMultipartAsync(manifest, ("stray.txt", "x"u8.ToArray()));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Invalid manifest", problem.Str("title"));
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.Str("path"), e.Str("message"))).ToList();
        Assert.Equal(
            [
                "$.principals[0].name",
                "$.documents[0].colour",
                "$.documents[1].id",
                "$.documents[2].files[0].content",
                "$.documents[2].files[2].id",
                "parts['stray.txt']",
                "$.documents[3].files[0].content.path",
            ],
            errors.Select(e => e.Item1));
        Assert.Contains("name must be 1–128 letters", errors[0].Item2, StringComparison.Ordinal);
        Assert.Contains("unknown field 'colour'", errors[1].Item2, StringComparison.Ordinal);
        Assert.Contains("file id '6' is also used at $.documents[2].files[1]", errors[4].Item2, StringComparison.Ordinal);
        Assert.Contains("no part named 'files/missing.txt'", errors[6].Item2, StringComparison.Ordinal);
        Assert.Empty((await GetJsonAsync("/v1/documents?includeDeleted=true")).GetProperty("items").EnumerateArray());
        Assert.Empty(_app.BlobFiles());
    }

    [Fact]
    public async Task A_refused_part_after_a_staged_one_leaves_no_bytes_behind()
    {
        const string manifest = """{ "documents": [ { "id": "d", "files": [ { "content": { "path": "a.txt" } } ] } ] }""";

        using var response = await PostMultipartAsync(manifest, ("a.txt", NativeApi.Bytes(300_000)), ("b.txt", "b"u8.ToArray()));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("parts['b.txt']", problem.GetProperty("errors")[0].Str("path"));
        Assert.Empty(_app.BlobFiles());
        Assert.Empty((await GetJsonAsync("/v1/documents?includeDeleted=true")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Changed_content_makes_version_two_and_keeps_version_one()
    {
        await ImportJsonAsync(TextManifest("one"));

        var report = await ImportJsonAsync(TextManifest("two"));

        Assert.Equal(1, report.GetProperty("filesWithNewVersion").GetInt32());
        Assert.Equal(1, report.GetProperty("documentsUnchanged").GetInt32());
        var versions = (await GetJsonAsync("/v1/files/f-1/versions")).GetProperty("items");
        Assert.Equal([1, 2], versions.EnumerateArray().Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal("two", await _http.GetStringAsync("/v1/files/f-1/content", Token));
        Assert.Equal("one", await _http.GetStringAsync("/v1/files/f-1/versions/1/content", Token));
    }

    [Fact]
    public async Task A_json_only_import_takes_text_and_base64_and_answers_the_report_in_camel_case()
    {
        const string manifest = """
            { "documents": [ { "id": "d", "deleted": false, "files": [
                { "id": "t", "fileName": "a.txt", "removed": false, "content": { "text": "héllo" } },
                { "id": "b", "slot": "fi_file", "index": 3, "fileName": "b.bin", "content": { "base64": "AAEC/w==" } } ] } ] }
            """;

        using var response = await PostJsonAsync(manifest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """{"documentsCreated":1,"documentsUpdated":0,"documentsUnchanged":0,"filesCreated":2,"filesWithNewVersion":0,"filesUpdated":0,"filesUnchanged":0,"bytesStored":10,"principalsCreated":0,"principalsUpdated":0,"principalsUnchanged":0}""",
            await response.Content.ReadAsStringAsync(Token));
        Assert.Equal(Encoding.UTF8.GetBytes("héllo"), await _http.GetByteArrayAsync("/v1/files/t/content", Token));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, await _http.GetByteArrayAsync("/v1/files/b/content", Token));
        Assert.Equal("text/plain", (await GetJsonAsync("/v1/files/t")).Str("mediaType"));
        Assert.Equal("application/octet-stream", (await GetJsonAsync("/v1/files/b")).Str("mediaType"));
    }

    [Fact]
    public async Task A_json_only_import_refuses_path_content_at_its_place()
    {
        using var response = await PostJsonAsync("""{ "documents": [ { "id": "d", "files": [ { "content": { "path": "a.txt" } } ] } ] }""");

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("$.documents[0].files[0].content.path", error.Str("path"));
        Assert.Equal("path content needs the file sent along: use multipart", error.Str("message"));
    }

    [Fact]
    public async Task Document_and_file_changes_update_in_place_and_deleted_and_removed_are_kept()
    {
        await ImportJsonAsync(TextManifest("one"));
        _app.Clock.Advance(TimeSpan.FromMinutes(5));

        var report = await ImportJsonAsync("""
            { "documents": [ { "id": "doc", "title": "renamed", "deleted": true,
                "files": [ { "id": "f-1", "fileName": "a.txt", "removed": true, "content": { "text": "one" } } ] } ] }
            """);

        Assert.Equal((1, 1), (report.GetProperty("documentsUpdated").GetInt32(), report.GetProperty("filesUpdated").GetInt32()));
        var document = await GetJsonAsync("/v1/documents/doc");
        Assert.Equal(("renamed", "2026-11-22T12:05:00+00:00", "2026-11-22T12:00:00+00:00"),
            (document.Str("title"), document.Str("deleted"), document.Str("created")));
        Assert.Equal("2026-11-22T12:05:00+00:00", (await GetJsonAsync("/v1/files/f-1")).Str("removed"));
    }

    [Fact]
    public async Task An_imported_numeric_file_id_is_never_handed_out_again()
    {
        await _client.ImportAsync(Samples.Demo, Token);

        var uploaded = await _http.UploadAsync("doc-welcome", "more"u8.ToArray(), "more.txt", slot: "extra");

        Assert.True(long.Parse(uploaded.Str("id"), CultureInfo.InvariantCulture) > 1256);
    }

    [Fact]
    public async Task A_slot_held_by_a_file_the_manifest_does_not_name_is_an_error()
    {
        await _http.CreateDocumentAsync(new { id = "doc" });
        var held = await _http.UploadAsync("doc", "x"u8.ToArray());

        using var response = await PostJsonAsync("""{ "documents": [ { "id": "doc", "files": [ { "id": "other", "content": { "text": "y" } } ] } ] }""");

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("$.documents[0].files[0]", error.Str("path"));
        Assert.Contains($"holds file '{held.Str("id")}'", error.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_rule_errors_are_reported_at_their_json_path_in_the_manifest()
    {
        using var response = await PostJsonAsync("""
            { "documents": [
              { "id": "a", "attributes": [ { "id": "fi_file", "type": "file", "visibility": "W" }, { "id": "fi_x", "type": "file", "visibility": "Q" } ] },
              { "id": "b", "acl": [ { "principal": "bob", "permissions": ["read"] } ] },
              { "id": "c", "properties": { "a.b": "" }, "kind": "no kind" } ] }
            """);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(
            ["$.documents[0].attributes[1].visibility", "$.documents[1].acl[0].permissions", "$.documents[2].kind"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.Str("path")));
    }

    [Fact]
    public async Task A_manifest_part_cut_off_before_the_final_boundary_is_a_bad_request()
    {
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(
            "--b\r\nContent-Disposition: form-data; name=\"manifest\"\r\nContent-Type: application/json\r\n\r\n{\"documents\":[]}"));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");

        using var response = await _http.PostAsync("/v1/import", content, Token);

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty((await GetJsonAsync("/v1/documents?includeDeleted=true")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_manifest_with_invalid_utf8_in_a_string_is_a_manifest_error_not_a_server_error()
    {
        byte[] manifest = [.. """{"documents":[{"id":"x"""u8, 0xFF, .. "\"}]}"u8];
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await _http.PostAsync("/v1/import", content, Token);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("$", error.Str("path"));
        Assert.Equal("the manifest is not valid UTF-8 (byte 22)", error.Str("message"));
    }

    [Fact]
    public async Task A_body_that_is_neither_json_nor_multipart_is_refused()
    {
        using var content = new StringContent("documents: []", Encoding.UTF8, "text/yaml");

        using var response = await _http.PostAsync("/v1/import", content, Token);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Content-Type", problem.Str("field"));
    }

    private static string TextManifest(string text) =>
        $$"""{ "documents": [ { "id": "doc", "files": [ { "id": "f-1", "fileName": "a.txt", "content": { "text": "{{text}}" } } ] } ] }""";

    private async Task<JsonElement> ImportJsonAsync(string manifest)
    {
        using var response = await PostJsonAsync(manifest);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task<HttpResponseMessage> PostJsonAsync(string manifest)
    {
        using var content = new StringContent(manifest, Encoding.UTF8, "application/json");
        return await _http.PostAsync("/v1/import", content, Token);
    }

    private async Task<HttpResponseMessage> PostMultipartAsync(string manifest, params (string Name, byte[] Bytes)[] parts)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(manifest, Encoding.UTF8, "application/json"), "manifest");
        foreach (var (name, bytes) in parts)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, name);
        }

        return await _http.PostAsync("/v1/import", form, Token);
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(path, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
