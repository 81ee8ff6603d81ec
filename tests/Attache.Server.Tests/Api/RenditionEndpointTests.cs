using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Attache.Server.Tests.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Attache.Server.Tests.Api;

public sealed class RenditionEndpointTests : IAsyncLifetime
{
    private const string Pdf = "application/pdf";
    private const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private static readonly byte[] Transcript = Encoding.UTF8.GetBytes("""
        { "speakers": [ { "id": 1, "name": "Mr. Smith" }, { "id": 2, "name": "Renée Groß" } ],
          "monologues": [
            { "speaker": 1, "monologue_type": "question", "elements": [ { "type": "text", "value": "Where do you live?" } ] },
            { "speaker": 2, "monologue_type": "answer", "elements": [
                { "type": "text", "value": "Zürich, near the café" }, { "type": "tag", "value": "inaudible", "timestamp": "00:00:03,000" },
                { "type": "text", "value": " 中文." } ] } ] }
        """);

    private readonly AttacheApp _app = new();
    private HttpClient _client = null!;
    private string _fileId = "";

    public async ValueTask InitializeAsync()
    {
        _client = _app.CreateAdminClient();
        await _client.CreateDocumentAsync(new
        {
            id = "depo",
            kind = "transcript",
            properties = new Dictionary<string, string> { ["caseName"] = "Groß v. Acme", ["witness"] = "Renée Groß", ["proceedingDate"] = "March 3, 2026" },
        });
        _fileId = (await _client.UploadAsync("depo", Transcript, "depo.json")).Str("id");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Accept_pdf_serves_the_rendition_with_its_own_etag_ranges_and_conditionals()
    {
        using var whole = await GetAsync(Pdf);
        var body = await whole.Content.ReadAsByteArrayAsync(NativeApi.Token);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(body))}\"";

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(Pdf, whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal(etag, whole.Headers.ETag?.ToString());
        Assert.Equal("depo.pdf", whole.Content.Headers.ContentDisposition?.FileName);
        Assert.Contains("Accept", whole.Headers.Vary);
        Assert.Equal("%PDF-"u8.ToArray(), body[..5]);

        using var range = await GetAsync(Pdf, request => request.Headers.Range = new RangeHeaderValue(100, 199));
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal(body[100..200], await range.Content.ReadAsByteArrayAsync(NativeApi.Token));
        Assert.Equal(etag, range.Headers.ETag?.ToString());

        using var unchanged = await GetAsync(Pdf, request => request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etag)));
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);

        using var head = await SendAsync(HttpMethod.Head, Pdf);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task A_caption_change_moves_last_modified_so_that_if_modified_since_gets_the_new_rendition()
    {
        DateTimeOffset? seen;
        using (var first = await GetAsync("text/plain"))
        {
            seen = first.Content.Headers.LastModified;
        }

        foreach (var caseName in new[] { "Doe v. Roe", "Groß v. Acme" })
        {
            _app.Clock.Advance(TimeSpan.FromMinutes(1));
            using (var patched = await _client.PatchAsJsonAsync("/v1/documents/depo", new { properties = new Dictionary<string, string> { ["caseName"] = caseName } }, NativeApi.Token))
            {
                Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            }

            using var again = await GetAsync("text/plain", request => request.Headers.IfModifiedSince = seen);

            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.StartsWith(caseName + " ", await again.Content.ReadAsStringAsync(NativeApi.Token), StringComparison.Ordinal);
            Assert.True(again.Content.Headers.LastModified > seen);
            seen = again.Content.Headers.LastModified;
        }
    }

    [Fact]
    public async Task A_start_with_a_missing_font_file_warns_naming_it()
    {
        await using var app = new AttacheApp(new Dictionary<string, string?>
        {
            ["Attache:Rendering:Fonts:0"] = "/nonexistent/font.ttf",
            ["Attache:Rendering:Fonts:1"] = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
        });
        var logs = new Http.LogSink();
        await using var logged = app.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs)));
        using var client = logged.CreateClient();

        var warning = Assert.Single(logs.Entries, e => e.Message.Contains("could not be loaded", StringComparison.Ordinal));
        Assert.Contains("/nonexistent/font.ttf", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("DejaVuSansMono", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rendition_download_is_audited_as_a_download_of_its_file_naming_the_format()
    {
        using var response = await GetAsync("text/plain", request => request.Headers.AcceptCharset.ParseAdd("iso-8859-1"));
        var length = (await response.Content.ReadAsByteArrayAsync(NativeApi.Token)).Length;

        var download = Assert.Single(await _client.AuditEventsAsync($"?action=download&file={_fileId}"));

        Assert.Equal(("admin", "depo", "rendition txt iso-8859-1", (long)length),
            (download.Str("principal"), download.Str("documentId"), download.Str("detail"), download.GetProperty("bytes").GetInt64()));
    }

    [Fact]
    public async Task The_rendition_is_rendered_once_and_stored_as_one_blob_beside_the_transcript()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => GetAsync(Docx)));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsByteArrayAsync(NativeApi.Token)));
        using var again = await GetAsync(Docx);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(bodies.Select(Convert.ToHexString).Append(Convert.ToHexString(await again.Content.ReadAsByteArrayAsync(NativeApi.Token))).Distinct());
        Assert.Equal("PK"u8.ToArray(), bodies[0][..2]);
        Assert.Equal(2, _app.BlobFiles().Count());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("text/plain", null, "text/plain; charset=utf-8", " 2        A.   Zürich, near the café [inaudible] 中文.")]
    [InlineData("text/plain", "us-ascii", "text/plain; charset=us-ascii", " 2        A.   Zurich, near the cafe [inaudible] .")]
    [InlineData("text/plain; charset=iso-8859-1", "us-ascii", "text/plain; charset=iso-8859-1", " 2        A.   Zürich, near the café [inaudible] ??.")]
    [InlineData("application/pdf;q=0.5, text/plain", "klingon, windows-1252;q=0.9", "text/plain; charset=windows-1252", " 2        A.   Zürich, near the café [inaudible] ??.")]
    public async Task Accept_text_serves_the_numbered_lines_in_the_charset_asked_for(string accept, string? charset, string contentType, string line)
    {
        using var response = await GetAsync(accept, request =>
        {
            if (charset is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept-Charset", charset);
            }
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        var encoding = response.Content.Headers.ContentType!.CharSet == "utf-8" ? Encoding.UTF8 : Encoding.Latin1;
        var rows = encoding.GetString(await response.Content.ReadAsByteArrayAsync(NativeApi.Token)).Split("\r\n");
        Assert.Equal(line, rows[Array.IndexOf(rows, " 1        Q.   Where do you live?") + 1]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("*/*")]
    [InlineData("application/json+rev-transcript, application/pdf;q=0.9")]
    [InlineData("image/png")]
    [InlineData("text/*, text/plain;q=0")]
    public async Task Without_a_rendition_type_preferred_the_stored_json_is_served(string? accept)
    {
        using var response = await GetAsync(accept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Transcript, await response.Content.ReadAsByteArrayAsync(NativeApi.Token));
        Assert.Equal($"\"{Convert.ToHexStringLower(SHA256.HashData(Transcript))}\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Text_given_q_0_is_not_served_for_a_text_wildcard()
    {
        using var response = await GetAsync("text/*, text/plain;q=0, application/pdf;q=0.5");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Pdf, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_file_that_is_not_a_transcript_ignores_accept()
    {
        await _client.CreateDocumentAsync(new { id = "plain" });
        var id = (await _client.UploadAsync("plain", Transcript, "notes.json")).Str("id");

        using var response = await _client.SendAsync(Request(HttpMethod.Get, id, Pdf), NativeApi.Token);

        Assert.Equal(Transcript, await response.Content.ReadAsByteArrayAsync(NativeApi.Token));
    }

    [Theory]
    [InlineData(Pdf, "exhibit-1.pdf")]
    [InlineData("text/plain", "exhibit-1.pdf")]
    [InlineData(Pdf, "deposition.mp3")]
    public async Task Another_file_of_a_transcript_document_is_served_as_stored_whatever_the_accept(string accept, string fileName)
    {
        var exhibit = "%PDF-1.4 an exhibit, or audio"u8.ToArray();
        var id = (await _client.UploadAsync("depo", exhibit, fileName, slot: "exhibit")).Str("id");

        using var response = await _client.SendAsync(Request(HttpMethod.Get, id, accept), NativeApi.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(exhibit, await response.Content.ReadAsByteArrayAsync(NativeApi.Token));
    }

    [Fact]
    public async Task A_broken_transcript_answers_400_naming_the_json_path()
    {
        var id = (await _client.UploadAsync("depo", "{\"monologues\": [ {\"speaker\": true} ]}"u8.ToArray(), "broken.json", slot: "broken")).Str("id");

        using var response = await _client.SendAsync(Request(HttpMethod.Get, id, Pdf), NativeApi.Token);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("$.monologues[0].speaker", problem.Str("field"));
    }

    [Fact]
    public async Task Purging_the_document_removes_its_rendition_blobs_too()
    {
        using (var pdf = await GetAsync(Pdf))
        {
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        }

        Assert.Equal(2, _app.BlobFiles().Count());

        using var purged = await _client.DeleteAsync("/v1/documents/depo?purge=true", NativeApi.Token);

        Assert.Equal(HttpStatusCode.NoContent, purged.StatusCode);
        Assert.Empty(_app.BlobFiles());
    }

    [Fact]
    public async Task Purging_another_document_that_holds_the_same_bytes_keeps_the_rendition()
    {
        byte[] pdf;
        using (var first = await GetAsync(Pdf))
        {
            pdf = await first.Content.ReadAsByteArrayAsync(NativeApi.Token);
        }

        await _client.CreateDocumentAsync(new { id = "copy" });
        await _client.UploadAsync("copy", pdf, "copy.pdf");
        using (var purged = await _client.DeleteAsync("/v1/documents/copy?purge=true", NativeApi.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, purged.StatusCode);
        }

        // Still on disk before anyone asks again (a re-render would hide a wrongful delete).
        var pdfBlob = Convert.ToHexStringLower(SHA256.HashData(pdf));
        Assert.Contains(_app.BlobFiles(), path => Path.GetFileName(path) == pdfBlob);
        using var again = await GetAsync(Pdf);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(pdf, await again.Content.ReadAsByteArrayAsync(NativeApi.Token));
    }

    private Task<HttpResponseMessage> GetAsync(string? accept, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Get, accept, configure);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string? accept, Action<HttpRequestMessage>? configure = null)
    {
        var request = Request(method, _fileId, accept);
        configure?.Invoke(request);
        return _client.SendAsync(request, NativeApi.Token);
    }

    private static HttpRequestMessage Request(HttpMethod method, string fileId, string? accept)
    {
        var request = new HttpRequestMessage(method, $"/v1/files/{fileId}/content");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return request;
    }
}
