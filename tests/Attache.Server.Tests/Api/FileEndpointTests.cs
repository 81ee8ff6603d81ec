using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Attache.Server.Tests.Api;

public sealed class FileEndpointTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new(new Dictionary<string, string?> { ["Attache:Uploads:MaxBytes"] = "2000000" });
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _client = _app.CreateAdminClient();
        await _client.CreateDocumentAsync(new { id = "doc" });
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1024 * 1024)]
    public async Task A_raw_upload_comes_back_byte_for_byte(int size)
    {
        var content = NativeApi.Bytes(size, size);
        var file = await _client.UploadAsync("doc", content, "data.bin");

        Assert.Equal(size, file.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), file.Str("sha256"));
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(content)), file.Str("md5"));
        Assert.Equal("ReadyForDownloadFromServerToClient", file.Str("state"));
        Assert.Equal(1, file.GetProperty("version").GetInt32());

        using var download = await _client.GetAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync(NativeApi.Token));
        Assert.Equal($"\"{file.Str("sha256")}\"", download.Headers.ETag?.Tag);
        Assert.Equal(size, download.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task The_media_type_is_guessed_from_the_name_when_the_client_sends_none()
    {
        var file = await _client.UploadAsync("doc", "%PDF-1.4"u8.ToArray(), "report.pdf");
        Assert.Equal("application/pdf", file.Str("mediaType"));

        using var download = await _client.GetAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("report.pdf", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Fact]
    public async Task A_declared_media_type_is_kept()
    {
        using var response = await _client.PutFileAsync("doc", "{}"u8.ToArray(), "x.bin",
            configure: r => r.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/json"));
        Assert.Equal("application/json", (await response.JsonAsync()).Str("mediaType"));
    }

    [Fact]
    public async Task The_file_name_comes_from_content_disposition_with_filename_star_winning()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/documents/doc/files/file") { Content = new ByteArrayContent([1, 2, 3]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Disposition", "attachment; filename=\"plain.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt");
        using var response = await _client.SendAsync(request, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var file = await response.JsonAsync();
        Assert.Equal("résumé.txt", file.Str("fileName"));

        using var download = await _client.GetAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token);
        var disposition = string.Join(",", download.Content.Headers.GetValues("Content-Disposition"));
        Assert.Contains("filename*=UTF-8''r%C3%A9sum%C3%A9.txt", disposition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_escaped_quote_in_a_quoted_file_name_is_kept_as_a_quote()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/documents/doc/files/file") { Content = new ByteArrayContent([1]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Disposition", "attachment; filename=\"a\\\"b.txt\"");
        using var response = await _client.SendAsync(request, NativeApi.Token);
        Assert.Equal("a\"b.txt", (await response.JsonAsync()).Str("fileName"));
    }

    [Theory]
    [InlineData("text/plain; charset=\"\u00e9\"")]
    [InlineData("text/plain; a=\"\u0001\"")]
    public async Task A_media_type_that_could_not_be_sent_back_in_a_header_is_a_bad_request(string contentType)
    {
        using var response = await _client.PutFileAsync("doc", [1], "x.txt", configure: r =>
        {
            r.Content!.Headers.Remove("Content-Type");
            Assert.True(r.Content.Headers.TryAddWithoutValidation("Content-Type", contentType));
        });
        Assert.Equal("Content-Type", (await response.ProblemAsync(HttpStatusCode.BadRequest)).Str("field"));
    }

    [Fact]
    public async Task A_new_version_sent_without_a_name_or_type_keeps_the_file_s_name_and_type()
    {
        var first = await _client.UploadAsync("doc", "%PDF-1"u8.ToArray(), "report.pdf");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/documents/doc/files/file") { Content = new ByteArrayContent("%PDF-2"u8.ToArray()) };
        using var response = await _client.SendAsync(request, NativeApi.Token);

        var second = await response.JsonAsync();
        Assert.Equal(first.Str("id"), second.Str("id"));
        Assert.Equal("report.pdf", second.Str("fileName"));
        Assert.Equal("application/pdf", second.Str("mediaType"));
    }

    [Fact]
    public async Task Uploading_again_to_a_slot_makes_a_new_version_and_keeps_the_old_one()
    {
        var first = await _client.UploadAsync("doc", "one"u8.ToArray(), "v.txt");
        var second = await _client.UploadAsync("doc", "two!"u8.ToArray(), "v2.txt");

        Assert.Equal(first.Str("id"), second.Str("id"));
        Assert.Equal(2, second.GetProperty("version").GetInt32());

        var versions = await (await _client.GetAsync($"/v1/files/{first.Str("id")}/versions", NativeApi.Token)).JsonAsync();
        Assert.Equal([1, 2], versions.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("number").GetInt32()));

        Assert.Equal("two!", await _client.GetStringAsync($"/v1/files/{first.Str("id")}/content", NativeApi.Token));
        using var old = await _client.GetAsync($"/v1/files/{first.Str("id")}/versions/1/content", NativeApi.Token);
        Assert.Equal("one", await old.Content.ReadAsStringAsync(NativeApi.Token));
        Assert.Equal("v.txt", old.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        using var missing = await _client.GetAsync($"/v1/files/{first.Str("id")}/versions/3/content", NativeApi.Token);
        await missing.ProblemAsync(HttpStatusCode.NotFound);
        using var malformed = await _client.GetAsync($"/v1/files/{first.Str("id")}/versions/x/content", NativeApi.Token);
        await malformed.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Identical_bytes_are_stored_once()
    {
        var content = NativeApi.Bytes(50_000, 7);
        await _client.UploadAsync("doc", content, "a.bin", slot: "a");
        await _client.UploadAsync("doc", content, "b.bin", slot: "b");

        var blobs = _app.BlobFiles()
            .Where(path => !path.Contains(".staging", StringComparison.Ordinal)).ToList();
        Assert.Single(blobs);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), Path.GetFileName(blobs[0]));
    }

    [Theory]
    [InlineData("file", "abc")]
    [InlineData("file", "-1")]
    [InlineData("file", "10000")]
    [InlineData("bad.slot", null)]
    public async Task Malformed_slots_and_indices_are_bad_requests(string slot, string? index)
    {
        using var response = await _client.PutFileAsync("doc", [1], "x.bin", slot, index);
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Uploading_to_an_unknown_document_is_not_found()
    {
        using var response = await _client.PutFileAsync("nope", [1], "x.bin");
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_multipart_upload_stores_each_file_part_at_the_next_index_of_its_slot()
    {
        using var form = new MultipartFormDataContent("boundary-123");
        form.Add(new ByteArrayContent("first"u8.ToArray()), "pages", "one.txt");
        form.Add(new ByteArrayContent("second"u8.ToArray()), "pages", "two.txt");
        form.Add(new StringContent("ignored field"), "note");
        var png = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47]);
        png.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(png, "cover", "cover.png");

        using var response = await _client.PostAsync("/v1/documents/doc/files", form, NativeApi.Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var items = (await response.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["pages/0/one.txt", "pages/1/two.txt", "cover/0/cover.png"],
            items.Select(f => $"{f.Str("slot")}/{f.GetProperty("index").GetInt32()}/{f.Str("fileName")}"));
        Assert.Equal("image/png", items[2].Str("mediaType"));
        Assert.Equal("second", await _client.GetStringAsync($"/v1/files/{items[1].Str("id")}/content", NativeApi.Token));
    }

    [Theory]
    [InlineData("attachment; filename*")]
    [InlineData("attachment; filename=\"a.txt\"; filename*")]
    [InlineData("attachment; filename*=UTF-7''a.txt")]
    public async Task A_disposition_whose_filename_star_cannot_be_decoded_is_ignored_not_a_server_error(string disposition)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/documents/doc/files/file") { Content = new ByteArrayContent([1, 2]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Disposition", disposition);
        using var response = await _client.SendAsync(request, NativeApi.Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("file", (await response.JsonAsync()).Str("fileName"));
    }

    [Fact]
    public async Task A_multipart_part_whose_filename_star_has_no_value_is_skipped_not_a_server_error()
    {
        const string body = "--b\r\nContent-Disposition: form-data; name=\"pages\"; filename*\r\n\r\nbroken\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"pages\"; filename=\"good.txt\"\r\n\r\ngood\r\n--b--\r\n";
        using var content = new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");
        using var response = await _client.PostAsync("/v1/documents/doc/files", content, NativeApi.Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var item = Assert.Single((await response.JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal("good.txt", item.Str("fileName"));
        Assert.Equal("good", await _client.GetStringAsync($"/v1/files/{item.Str("id")}/content", NativeApi.Token));
    }

    [Fact]
    public async Task A_removed_file_is_gone_from_downloads_and_listings()
    {
        var file = await _client.UploadAsync("doc", [9, 9], "r.bin");
        using (var removed = await _client.DeleteAsync($"/v1/files/{file.Str("id")}", NativeApi.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        using var download = await _client.GetAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token);
        await download.ProblemAsync(HttpStatusCode.NotFound);
        var metadata = await (await _client.GetAsync($"/v1/files/{file.Str("id")}", NativeApi.Token)).JsonAsync();
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, metadata.GetProperty("removed").ValueKind);
    }

    [Fact]
    public async Task Purging_a_document_deletes_bytes_no_other_document_uses()
    {
        await _client.CreateDocumentAsync(new { id = "other" });
        var shared = NativeApi.Bytes(1000, 3);
        var own = NativeApi.Bytes(1000, 4);
        await _client.UploadAsync("doc", shared, "s.bin", slot: "s");
        var ownFile = await _client.UploadAsync("doc", own, "o.bin", slot: "o");
        var otherFile = await _client.UploadAsync("other", shared, "s.bin");

        using (var purged = await _client.DeleteAsync("/v1/documents/doc?purge=true", NativeApi.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, purged.StatusCode);
        }

        var blobs = _app.BlobFiles().Select(Path.GetFileName).ToList();
        Assert.Equal([Convert.ToHexStringLower(SHA256.HashData(shared))], blobs);
        Assert.Equal(shared, await _client.GetByteArrayAsync($"/v1/files/{otherFile.Str("id")}/content", NativeApi.Token));
        using var gone = await _client.GetAsync($"/v1/files/{ownFile.Str("id")}/content", NativeApi.Token);
        var problem = await gone.ProblemAsync(HttpStatusCode.Conflict);
        // The file record stays (only its versions and bytes are purged), so the admin sees it as not ready, with no version.
        Assert.Equal("Not ready", problem.Str("title"));
        Assert.Equal("Initial", problem.Str("state"));
        Assert.Equal($"File '{ownFile.Str("id")}' is not ready for download: its state is Initial.", problem.Str("detail"));
        var metadata = await (await _client.GetAsync($"/v1/files/{ownFile.Str("id")}", NativeApi.Token)).JsonAsync();
        Assert.Equal("Initial", metadata.Str("state"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, metadata.GetProperty("version").ValueKind);
    }

    [Fact]
    public async Task Inline_disposition_is_chosen_by_query_and_anything_else_is_a_bad_request()
    {
        var file = await _client.UploadAsync("doc", "<p>hi</p>"u8.ToArray(), "page.html");
        using var inline = await _client.GetAsync($"/v1/files/{file.Str("id")}/content?disposition=inline", NativeApi.Token);
        Assert.Equal("inline", inline.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", inline.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", string.Join(",", inline.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);

        using var bogus = await _client.GetAsync($"/v1/files/{file.Str("id")}/content?disposition=evil", NativeApi.Token);
        await bogus.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Downloads_through_the_api_honour_range_and_conditional_requests()
    {
        var file = await _client.UploadAsync("doc", "testcontent"u8.ToArray(), "t.txt");
        var path = $"/v1/files/{file.Str("id")}/content";

        using var range = new HttpRequestMessage(HttpMethod.Get, path);
        range.Headers.Range = new RangeHeaderValue(4, 7);
        using var partial = await _client.SendAsync(range, NativeApi.Token);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("cont", await partial.Content.ReadAsStringAsync(NativeApi.Token));
        Assert.Equal("bytes 4-7/11", partial.Content.Headers.ContentRange?.ToString());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{file.Str("sha256")}\""));
        using var notModified = await _client.SendAsync(conditional, NativeApi.Token);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(11, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(NativeApi.Token));
    }

    [Fact]
    public async Task A_blob_damaged_on_disk_is_a_500_before_any_byte_is_sent()
    {
        var file = await _client.UploadAsync("doc", NativeApi.Bytes(4000, 5), "d.bin");
        await _app.DamageBlobAsync(file.Str("sha256"), NativeApi.Bytes(10, 5));

        using var download = await _client.GetAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token);

        Assert.Equal(HttpStatusCode.InternalServerError, download.StatusCode);
        Assert.Null(download.Headers.ETag);
    }

    [Fact]
    public async Task Unknown_and_malformed_file_ids_are_404_and_400()
    {
        using var unknown = await _client.GetAsync("/v1/files/999999/content", NativeApi.Token);
        await unknown.ProblemAsync(HttpStatusCode.NotFound);
        using var malformed = await _client.GetAsync("/v1/files/%2e%2e/content", NativeApi.Token);
        Assert.True(malformed.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound);
        using var traversal = await _client.GetAsync("/v1/files/..%5c..%5cetc/content", NativeApi.Token);
        await traversal.ProblemAsync(HttpStatusCode.BadRequest);
    }
}
