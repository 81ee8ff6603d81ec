using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Http;

namespace Attache.Server.Tests.Reliability.Conversion;

/// <summary>
/// Reliability cases G43–G48 (reliability.md §3 G): transcripts rendered as text, DOCX and PDF through
/// <c>GET /v1/files/{id}/content</c>, by a user with another owner's canaries she may not read.
/// G46 and G47 assert an absence: the server parses no DOCX, ZIP or HTML input (DOCX is only written) and fetches no
/// URL (no import from URL; a document's <c>sourceUrl</c> is metadata), so an uploaded hostile DOCX is stored and served
/// back as its bytes, and a loopback listener standing for an internal service never sees a connection.
/// </summary>
public sealed class ConversionTests : IAsyncLifetime
{
    private const string Pdf = "application/pdf";
    private const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private readonly AttacheApp _app = new();
    private WatchedUser _user = null!;

    public async ValueTask InitializeAsync() =>
        _user = await WatchedUser.StartAsync(_app, document: new { id = "depo", kind = "transcript", owner = WatchedUser.Name });

    public async ValueTask DisposeAsync()
    {
        _user.AssertClean();
        _user.Dispose();
        await _app.DisposeAsync();
    }

    private static string TranscriptOf(params (string Speaker, string Text)[] monologues) =>
        JsonSerializer.Serialize(new
        {
            monologues = monologues.Select(m => new
            {
                speaker_name = m.Speaker,
                monologue_type = "answer",
                elements = new[] { new { type = "text", value = m.Text } },
            }),
        });

    private async Task<string> UploadAsync(string json, string fileName = "depo.json", string slot = "file") =>
        (await _user.Client.UploadAsync("depo", Encoding.UTF8.GetBytes(json), fileName, slot)).Str("id");

    private async Task<HttpResponseMessage> RenderAsync(string fileId, string accept, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{fileId}/content");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return await (client ?? _user.Client).SendAsync(request, NativeApi.Token);
    }

    [Fact]
    public async Task G43_Characters_xml_cannot_carry_and_markup_in_the_text_give_every_format_with_the_markup_as_text()
    {
        var fileId = await UploadAsync(TranscriptOf(
            ("Ann\u0000", "nul\u0000 soh\u0001 nonchar\uFFFE end ]]> and <w:p><w:r><w:t>injected</w:t></w:r></w:p> &amp; <!--x-->")));

        using (var text = await RenderAsync(fileId, "text/plain"))
        {
            Assert.Equal(HttpStatusCode.OK, text.StatusCode);
            var body = await text.Content.ReadAsStringAsync(NativeApi.Token);
            Assert.DoesNotContain(body, c => c is '\u0000' or '\u0001' or '\uFFFE');
            Assert.Contains("]]>", body, StringComparison.Ordinal);
            Assert.Contains("<w:p><w:r><w:t>injected", body, StringComparison.Ordinal);
        }

        using (var docx = await RenderAsync(fileId, Docx))
        {
            Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
            await using var zip = new ZipArchive(await docx.Content.ReadAsStreamAsync(NativeApi.Token));
            await using var part = await zip.GetEntry("word/document.xml")!.OpenAsync(NativeApi.Token);
            var document = await XDocument.LoadAsync(part, LoadOptions.None, NativeApi.Token);
            var runs = string.Concat(document.Descendants().Where(e => e.Name.LocalName == "t").Select(e => e.Value));
            Assert.Contains("<w:p><w:r><w:t>injected</w:t></w:r></w:p> &amp; <!--x-->", runs, StringComparison.Ordinal);
            Assert.DoesNotContain(document.Descendants(), e => e.Name.LocalName == "t" && e.Value == "injected");
        }

        using var pdf = await RenderAsync(fileId, Pdf);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("%PDF-"u8.ToArray(), (await pdf.Content.ReadAsByteArrayAsync(NativeApi.Token))[..5]);
    }

    [Fact]
    public async Task G43_A_lone_surrogate_escape_is_a_400_naming_where_not_a_500()
    {
        var fileId = await UploadAsync("""{ "monologues": [ { "speaker_name": "A", "elements": [ { "type": "text", "value": "x\uD800y" } ] } ] }""");
        foreach (var format in new[] { "text/plain", Docx, Pdf })
        {
            using var response = await RenderAsync(fileId, format);
            Assert.Equal("$.monologues[0].elements[0].value", (await response.ProblemAsync(HttpStatusCode.BadRequest)).Str("field"));
        }
    }

    [Fact]
    public async Task G44_A_10_MB_line_and_100000_tiny_segments_render_as_text()
    {
        var longLine = await UploadAsync(TranscriptOf(("Ann", string.Concat(Enumerable.Repeat("word ", 2 * 1024 * 1024)))), "line.json", "line");
        var manySegments = await UploadAsync(JsonSerializer.Serialize(new
        {
            monologues = new[]
            {
                new { speaker_name = "Ann", monologue_type = "answer", elements = Enumerable.Range(0, 100_000).Select(i => new { type = "text", value = "s" + i }) },
            },
        }), "many.json", "many");

        using (var response = await RenderAsync(longLine, "text/plain"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync(NativeApi.Token);
            Assert.Equal(2 * 1024 * 1024, text.Split("word", StringSplitOptions.None).Length - 1);
        }

        using (var response = await RenderAsync(manySegments, "text/plain"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("s99999", await response.Content.ReadAsStringAsync(NativeApi.Token), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task G44_Renderings_beyond_the_cap_and_its_queue_are_503_with_retry_after_and_pass_later()
    {
        await using var app = new AttacheApp(new Dictionary<string, string?>
        {
            ["Attache:Rendering:MaxConcurrent"] = "1",
            ["Attache:Rendering:MaxQueued"] = "1",
        });
        using var user = await WatchedUser.StartAsync(app, document: new { id = "depo", kind = "transcript", owner = WatchedUser.Name });
        var transcript = Encoding.UTF8.GetBytes(TranscriptOf([.. Enumerable.Range(0, 1500).Select(i => ("Ann", $"Answer number {i} with some words to set."))]));
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await user.Client.UploadAsync("depo", [.. transcript, (byte)' ', .. Encoding.ASCII.GetBytes(new string(' ', i))], $"t{i}.json", $"t{i}")).Str("id"));
        }

        var answers = await Task.WhenAll(ids.Select(async id =>
        {
            using var response = await RenderAsync(id, Pdf, user.Client);
            return ((int)response.StatusCode, response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType);
        }));

        Assert.All(answers, a => Assert.True(a.Item1 is 200 or 503, $"status {a.Item1}"));
        var refused = answers.Where(a => a.Item1 == 503).ToList();
        Assert.InRange(refused.Count, 1, 4);
        Assert.All(refused, a => Assert.Equal(TimeSpan.FromSeconds(2), a.Delta));
        Assert.All(refused, a => Assert.Equal("application/problem+json", a.MediaType));
        foreach (var id in ids)
        {
            using var again = await RenderAsync(id, Pdf, user.Client);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        user.AssertClean();
    }

    [Fact]
    public async Task G45_Right_to_left_combining_emoji_and_CJK_text_render_and_the_name_goes_through_the_download_header()
    {
        var fileId = await UploadAsync(
            TranscriptOf(("Ann", "שלום עולם مرحبا e\u0301\u0302 👩‍👩‍👧‍👦 🏳️‍🌈 中文 日本語 한국어 \u202Edlrow")),
            "depo \"q\";\r\nx 報告.json");
        foreach (var (format, extension) in new[] { (Pdf, ".pdf"), (Docx, ".docx"), ("text/plain", ".txt") })
        {
            using var response = await RenderAsync(fileId, format);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Single(response.Content.Headers.GetValues("Content-Disposition"));
            var (type, parameters) = Responses.ParseDisposition(response.Header("Content-Disposition")!);
            Assert.Equal("attachment", type);
            Assert.Equal(["filename", "filename*"], parameters.Select(p => p.Name));
            Assert.Equal("depo \"q\";x 報告" + extension, Uri.UnescapeDataString(parameters[1].Value["UTF-8''".Length..]));
        }
    }

    [Fact]
    public async Task G46_G47_A_hostile_docx_is_stored_never_parsed_and_nothing_is_fetched()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var canaryUrl = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
        var docx = HostileDocx(canaryUrl);

        var created = await _user.Client.CreateDocumentAsync(new { id = "imported", kind = "transcript", owner = WatchedUser.Name, sourceUrl = canaryUrl });
        Assert.Equal(canaryUrl, created.Str("sourceUrl"));
        using var upload = await _user.Client.PutFileAsync("imported", docx, "evil.docx", configure: r =>
            r.Content!.Headers.ContentType = new MediaTypeHeaderValue(Docx));
        var file = await upload.JsonAsync();
        foreach (var accept in new[] { Pdf, "text/plain", Docx, "*/*" })
        {
            using var response = await RenderAsync(file.Str("id"), accept);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(docx, await response.Content.ReadAsByteArrayAsync(NativeApi.Token));
        }

        var pending = listener.AcceptTcpClientAsync(NativeApi.Token).AsTask();
        await Task.WhenAny(pending, Task.Delay(300, NativeApi.Token));
        Assert.False(pending.IsCompletedSuccessfully, "the server connected to the canary listener");
    }

    [Fact]
    public async Task G48_A_cached_rendition_is_authorised_again_on_every_read_and_keyed_by_version()
    {
        var marker = Canary.NewMarker();
        await _user.Admin.CreateDocumentAsync(new { id = "secret-depo", kind = "transcript", owner = "other", title = marker });
        var secret = (await _user.Admin.UploadAsync("secret-depo", Encoding.UTF8.GetBytes(TranscriptOf(("Spy", marker))), marker + ".json")).Str("id");
        _user.Forbid(new Canary(marker, "secret-depo", secret, "other"));
        using (var cached = await RenderAsync(secret, "text/plain", _user.Admin))
        {
            Assert.Contains(marker, await cached.Content.ReadAsStringAsync(NativeApi.Token), StringComparison.Ordinal);
        }

        foreach (var accept in new[] { "text/plain", Pdf, Docx })
        {
            using var denied = await RenderAsync(secret, accept);
            using var unknown = await RenderAsync("999999", accept);
            var deniedProblem = await denied.ProblemAsync(HttpStatusCode.NotFound);
            var unknownProblem = await unknown.ProblemAsync(HttpStatusCode.NotFound);
            Assert.Equal(unknownProblem.Str("title"), deniedProblem.Str("title"));
        }

        var mine = await UploadAsync(TranscriptOf(("Ann", "first words")));
        using var first = await RenderAsync(mine, "text/plain");
        await UploadAsync(TranscriptOf(("Ann", "second words")));
        using var second = await RenderAsync(mine, "text/plain");
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
        Assert.Contains("second words", await second.Content.ReadAsStringAsync(NativeApi.Token), StringComparison.Ordinal);
    }

    /// <summary>A DOCX whose body declares an external entity and whose relationships point at a local file and a URL.</summary>
    private static byte[] HostileDocx(string canaryUrl)
    {
        using var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, string content)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }

            Add("[Content_Types].xml", """<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""");
            Add("word/document.xml", """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;&b;</w:t></w:r></w:p></w:body></w:document>""");
            Add("word/_rels/document.xml.rels", $"""<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="file:///etc/passwd" TargetMode="External"/><Relationship Id="r2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="{canaryUrl}" TargetMode="External"/></Relationships>""");
        }

        return bytes.ToArray();
    }
}
