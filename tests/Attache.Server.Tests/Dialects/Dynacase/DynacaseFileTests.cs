using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Audit;

namespace Attache.Server.Tests.Dialects.Dynacase;

public sealed class DynacaseFileTests : IAsyncLifetime
{
    private const string Base = "http://localhost/dynacase";
    private readonly AttacheApp _app = new();
    private HttpClient _admin = null!;
    private HttpClient _reader = null!;

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        await DynacaseWorld.ImportAsync(_admin);
        _reader = _app.WithToken(DynacaseWorld.ReaderKey);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _reader.Dispose();
        await _app.DisposeAsync();
    }

    private static CancellationToken Token => NativeApi.Token;

    [Fact]
    public async Task A_single_valued_attribute_answers_the_seed_shape_with_absolute_urls()
    {
        var (status, body) = await _reader.ReadAsync("/dynacase/api/documents/1234/file/fi_file");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            "{\"success\":true,\"messages\":[],\"data\":{\"file\":{" +
            $"\"uri\":\"{Base}/api/documents/1234/file/fi_file\",\"reference\":\"image/jpeg|1256|monimage.jpeg\",\"size\":10," +
            "\"fileName\":\"monimage.jpeg\",\"mime\":\"image/jpeg\",\"cdate\":\"2026-11-22T12:00:00\",\"mdate\":\"2026-11-22T12:00:00\"," +
            $"\"downloadUrl\":\"{Base}/file/1234/1256/-1/fi_file/monimage.jpeg\"}}}}}}",
            body);
    }

    [Theory]
    [InlineData("/dynacase/api/documents/1234/file/fi_file.json")]
    [InlineData("/dynacase/api/documents/1234/file/fi_file/-1")]
    [InlineData("/dynacase/api/documents/1234/file/fi_file/-1.json")]
    [InlineData("/dynacase/api/documents/1234/file/1256")]
    [InlineData("/dynacase/api/v1/documents/1234/file/fi_file")]
    public async Task The_same_file_is_reached_by_extension_by_index_minus_one_by_its_id_and_under_api_v1(string path)
    {
        var (status, body) = await _reader.ReadAsync(path);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("image/jpeg|1256|monimage.jpeg", File(body).GetProperty("reference").GetString());
    }

    [Fact]
    public async Task A_multi_valued_attribute_holds_three_files_each_at_its_index()
    {
        for (var index = 0; index < 3; index++)
        {
            var (status, body) = await _reader.ReadAsync($"/dynacase/api/documents/1234/file/fi_pages/{index}");

            Assert.Equal(HttpStatusCode.OK, status);
            var file = File(body);
            Assert.Equal($"{Base}/api/documents/1234/file/fi_pages/{index}", file.GetProperty("uri").GetString());
            Assert.StartsWith($"text/plain|{1401 + index}|", file.GetProperty("reference").GetString(), StringComparison.Ordinal);
            Assert.StartsWith($"{Base}/file/1234/{1401 + index}/{index}/fi_pages/", file.GetProperty("downloadUrl").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/dynacase/api/documents/1234/file/fi_pages", 400, "CRUD0610")]
    [InlineData("/dynacase/api/documents/1234/file/fi_pages/-1", 400, "CRUD0610")]
    [InlineData("/dynacase/api/documents/1234/file/fi_pages/3", 404, "CRUD0607")]
    [InlineData("/dynacase/api/documents/1234/file/fi_pages/9999999999", 400, "CRUD0612")]
    [InlineData("/dynacase/api/documents/1234/file/fi_pages/-2", 400, "CRUD0612")]
    [InlineData("/dynacase/api/documents/1234/file/fi_pages/one", 400, "CRUD0612")]
    [InlineData("/dynacase/api/documents/1234/file/fi_file/0", 400, "CRUD0611")]
    [InlineData("/dynacase/api/documents/1234/file/fi_title", 400, "CRUD0614")]
    [InlineData("/dynacase/api/documents/1234/file/fi_nothing", 400, "CRUD0605")]
    [InlineData("/dynacase/api/documents/1234/file/1500", 400, "CRUD0605")]
    [InlineData("/dynacase/api/documents/1234/file/1600", 400, "CRUD0605")]
    [InlineData("/dynacase/api/documents/nope/file/fi_file", 404, "CRUD0200")]
    [InlineData("/dynacase/api/documents/gone-1/file/fi_file", 404, "API0108")]
    public async Task Each_mistake_has_its_status_and_code_in_the_envelope(string path, int status, string code)
    {
        using var response = await _reader.GetAsync(path, Token);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var envelope = await response.JsonAsync();
        Assert.False(envelope.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, envelope.GetProperty("data").ValueKind);
        var message = Assert.Single(envelope.GetProperty("messages").EnumerateArray());
        Assert.Equal(("error", code, ""), (message.Str("type"), message.Str("code"), message.Str("contentHtml")));
        Assert.Equal(JsonValueKind.Null, message.GetProperty("data").ValueKind);
    }

    [Theory]
    [InlineData("/dynacase/api/documents/12%2F34/file/fi_file", 404, "CRUD0200")]
    [InlineData("/dynacase/api/documents/%2E%2E/file/fi_file", 404, "API0004")]
    [InlineData("/dynacase/api/documents/.hidden/file/fi_file", 404, "CRUD0200")]
    [InlineData("/dynacase/api/documents/%E6%97%A5%E6%9C%AC/file/fi_file", 404, "CRUD0200")]
    [InlineData("/dynacase/api/documents/1234/file/%E6%97%A5%E6%9C%AC", 400, "CRUD0605")]
    [InlineData("/dynacase/api/documents/1234/file/fi%2Ffile", 400, "CRUD0605")]
    [InlineData("/dynacase/api/documents/1234/file/fi_pages/%2B1%2B", 400, "CRUD0612")]
    [InlineData("/dynacase/api/documents/1234/file/fi_pages/%201", 400, "CRUD0612")]
    [InlineData("/dynacase/file/1234/1256/-1/fi_secret/x", 400, "CRUD0605")]
    [InlineData("/dynacase/file/1234/..%2F1256/-1/fi_file/x", 404, "CRUD0607")]
    [InlineData("/dynacase/file/nope/1256/-1/fi_file/x", 404, "CRUD0200")]
    [InlineData("/dynacase/file/1234/1256/0/fi_file/x", 400, "CRUD0611")]
    public async Task Hostile_segments_answer_their_documented_status_in_the_envelope(string path, int status, string code)
    {
        var (actual, body) = await _reader.ReadAsync(path);

        Assert.Equal((HttpStatusCode)status, actual);
        Assert.StartsWith("{\"success\":false,\"messages\":[{\"type\":\"error\",", body, StringComparison.Ordinal);
        Assert.Contains($"\"code\":\"{code}\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_very_long_document_id_is_not_found_and_not_echoed_whole()
    {
        var id = new string('a', 5000);

        var (status, body) = await _reader.ReadAsync($"/dynacase/api/documents/{id}/file/fi_file");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.True(body.Length < 500, body);
    }

    [Fact]
    public async Task A_segment_that_is_both_an_attribute_and_a_file_id_names_the_attribute()
    {
        var (_, body) = await _reader.ReadAsync("/dynacase/api/documents/1234/file/2000");

        Assert.Equal("text/plain|2000|by-attribute.txt", File(body).GetProperty("reference").GetString());
    }

    [Fact]
    public async Task A_caller_who_may_not_view_gets_403_API0010_in_the_exact_envelope()
    {
        using var stranger = _app.WithToken(DynacaseWorld.StrangerKey);

        var (status, body) = await stranger.ReadAsync("/dynacase/api/documents/1234/file/fi_file");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(DynacaseWorld.ErrorBody("API0010", "Need acl \"view\" to access to the document."), body);
    }

    [Fact]
    public async Task A_deleted_document_is_404_API0108_even_for_an_administrator()
    {
        var (status, body) = await _admin.ReadAsync("/dynacase/api/documents/gone-1/file/fi_file");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(DynacaseWorld.ErrorBody("API0108", "Document \"gone-1\" is deleted."), body);
    }

    [Theory]
    [InlineData("/dynacase/api/documents/1234/file/{0}")]
    [InlineData("/dynacase/api/documents/1234/file/{0}/0")]
    [InlineData("/dynacase/api/documents/1234/file/{0}/-1")]
    [InlineData("/dynacase/api/documents/1234/file/{0}.json")]
    public async Task An_invisible_attribute_answers_exactly_as_a_missing_one_by_name_and_index(string template)
    {
        foreach (var client in new[] { _reader, _admin })
        {
            var hidden = await client.ReadAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, "fi_secret"));
            var missing = await client.ReadAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, "fi_absent"));

            Assert.Equal(HttpStatusCode.BadRequest, hidden.Status);
            Assert.Equal(missing.Status, hidden.Status);
            Assert.Equal(missing.Body.Replace("fi_absent", "fi_secret", StringComparison.Ordinal), hidden.Body);
        }
    }

    [Fact]
    public async Task A_file_of_an_invisible_attribute_answers_exactly_as_a_missing_file_id_and_never_downloads()
    {
        var hidden = await _reader.ReadAsync("/dynacase/api/documents/1234/file/1300");
        var missing = await _reader.ReadAsync("/dynacase/api/documents/1234/file/1399");
        var hiddenDownload = await _reader.ReadAsync("/dynacase/file/1234/1300/-1/fi_secret/secret.txt");
        var missingDownload = await _reader.ReadAsync("/dynacase/file/1234/1399/-1/fi_absent/secret.txt");

        Assert.Equal((HttpStatusCode.BadRequest, missing.Body.Replace("1399", "1300", StringComparison.Ordinal)), hidden);
        Assert.Equal((HttpStatusCode.BadRequest, missingDownload.Body.Replace("fi_absent", "fi_secret", StringComparison.Ordinal)), hiddenDownload);
        Assert.DoesNotContain("never revealed", hiddenDownload.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_document_lists_its_visible_attributes_and_nothing_of_the_invisible_one()
    {
        foreach (var path in new[] { "/dynacase/api/documents/1234", "/dynacase/api/documents/1234.json" })
        {
            var (status, body) = await _reader.ReadAsync(path);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain("fi_secret", body, StringComparison.Ordinal);
            Assert.DoesNotContain("1300", body, StringComparison.Ordinal);
            Assert.DoesNotContain("secret.txt", body, StringComparison.Ordinal);
            var document = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("document");
            Assert.Equal($"{Base}/api/documents/1234", document.Str("uri"));
            Assert.Equal(("1234", "Folder sheet", "owner"),
                (document.GetProperty("properties").Str("id"), document.GetProperty("properties").Str("title"), document.GetProperty("properties").Str("owner")));
            var attributes = document.GetProperty("attributes");
            Assert.Equal(["fi_file", "fi_pages", "fi_title", "2000"], attributes.EnumerateObject().Select(a => a.Name));
            Assert.Equal("image/jpeg|1256|monimage.jpeg", attributes.GetProperty("fi_file").Str("value"));
            Assert.Equal(3, attributes.GetProperty("fi_pages").GetArrayLength());
            Assert.Equal("A title", attributes.GetProperty("fi_title").Str("value"));
        }
    }

    [Fact]
    public async Task A_unicode_name_is_kept_in_the_reference_encoded_in_the_download_url_and_the_url_downloads_the_bytes()
    {
        var (_, body) = await _reader.ReadAsync("/dynacase/api/documents/1234/file/fi_pages/1");
        var file = File(body);

        Assert.Equal($"text/plain|1402|{DynacaseWorld.Unicode}", file.Str("reference"));
        Assert.Contains("Présentation – 日本語 «été».txt", body, StringComparison.Ordinal);
        var url = file.Str("downloadUrl");
        Assert.Equal($"{Base}/file/1234/1402/1/fi_pages/{Uri.EscapeDataString(DynacaseWorld.Unicode)}", url);
        using var response = await _reader.GetAsync(url, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("page one, été", Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(Token)));
        Assert.Equal(DynacaseWorld.Unicode, response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task The_download_url_serves_ranges_and_head_and_is_refused_to_others_in_the_envelope()
    {
        var (_, body) = await _reader.ReadAsync("/dynacase/api/documents/1234/file/fi_file");
        var url = File(body).Str("downloadUrl");

        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new RangeHeaderValue(0, 3);
        using var partial = await _reader.SendAsync(range, Token);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("jpeg", await partial.Content.ReadAsStringAsync(Token));

        using var head = await _reader.SendAsync(new HttpRequestMessage(HttpMethod.Head, url), Token);
        Assert.Equal((HttpStatusCode.OK, 10L), (head.StatusCode, head.Content.Headers.ContentLength));

        using var stranger = _app.WithToken(DynacaseWorld.StrangerKey);
        Assert.Equal((HttpStatusCode.Forbidden, DynacaseWorld.ErrorBody("API0010", "Need acl \"view\" to access to the document.")),
            await stranger.ReadAsync(url));
        using var anonymous = _app.CreateClient();
        Assert.Equal((HttpStatusCode.Forbidden, DynacaseWorld.ErrorBody("", "The user must be authenticated.")), await anonymous.ReadAsync(url));
    }

    [Fact]
    public async Task A_removed_file_is_gone_from_the_document_and_its_old_url_no_longer_downloads()
    {
        var (_, body) = await _reader.ReadAsync("/dynacase/api/documents/1234/file/fi_pages/2");
        var url = File(body).Str("downloadUrl");
        using (var removed = await _admin.DeleteAsync("/v1/files/1403", Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _reader.ReadAsync("/dynacase/api/documents/1234/file/fi_pages/2")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _reader.ReadAsync("/dynacase/api/documents/1234/file/1403")).Status);
        var download = await _admin.ReadAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, download.Status);
        Assert.Contains("\"code\":\"CRUD0607\"", download.Body, StringComparison.Ordinal);
        Assert.Equal(2, JsonDocument.Parse((await _reader.ReadAsync("/dynacase/api/documents/1234")).Body).RootElement
            .GetProperty("data").GetProperty("document").GetProperty("attributes").GetProperty("fi_pages").GetArrayLength());
    }

    [Fact]
    public async Task A_download_url_for_another_file_id_than_the_attribute_holds_is_404()
    {
        var (status, body) = await _reader.ReadAsync("/dynacase/file/1234/1401/-1/fi_file/monimage.jpeg");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("\"code\":\"CRUD0607\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_download_is_audited_for_its_caller()
    {
        using var response = await _reader.GetAsync("/dynacase/file/1234/1256/-1/fi_file/monimage.jpeg", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsByteArrayAsync(Token);

        var entry = Assert.Single(await _admin.AuditEventsAsync("?action=download&file=1256"));
        Assert.Equal(("reader", "1234"), (entry.Str("principal"), entry.Str("documentId")));
    }

    private static JsonElement File(string body) => JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("file");
}
