using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Http;

namespace Attache.Server.Tests.Reliability.Headers;

/// <summary>
/// Reliability cases C19–C21 (reliability.md §3 C) through the whole server: names, active content and caching of what
/// a user uploaded and downloads again, with another owner's canary she may not read.
/// C21: a download through the API says <c>Cache-Control: private, no-cache</c> (no shared cache keeps it; a browser
/// revalidates with the ETag before any reuse, which is as safe as <c>no-store</c> and cheaper), a presigned link
/// <c>private, no-store</c>, and a transcript's answer <c>Vary: Accept, Accept-Charset</c>.
/// C20: the media type served is the one declared at upload (or guessed from the name); it is never sniffed from the
/// bytes, every answer carries <c>nosniff</c>, and HTML, SVG and XML types also <c>Content-Security-Policy: sandbox</c>.
/// </summary>
public sealed class DownloadHeaderTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new();
    private WatchedUser _user = null!;

    public async ValueTask InitializeAsync() => _user = await WatchedUser.StartAsync(_app);

    public async ValueTask DisposeAsync()
    {
        _user.AssertClean();
        _user.Dispose();
        await _app.DisposeAsync();
    }

    public static TheoryData<string> HostileNames() =>
    [
        "a\r\nSet-Cookie: x=1.txt",
        "evil.bat\";x=.txt",
        "report.csv; filename*=UTF-8''evil.html",
        "\tlead.txt",
        "a\x7Fb.txt",
        string.Concat(Enumerable.Repeat("議事録と添付資料", 30)) + ".docx",
        "invoice\u202Egpj.exe",
        "evil.exe%00.txt",
        "../../etc/passwd",
    ];

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task C19_A_hostile_upload_name_downloads_with_one_safe_filename_and_one_filename_star(string name)
    {
        var file = await _user.Client.UploadAsync("doc", "named"u8.ToArray(), name);
        var stored = file.Str("fileName");

        using var response = await _user.Client.GetAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        var header = Assert.Single(response.Content.Headers.GetValues("Content-Disposition"));
        Assert.DoesNotContain(header, c => c < 0x20 || c >= 0x7F);
        var (type, parameters) = Responses.ParseDisposition(header);
        Assert.Equal("attachment", type);
        Assert.Equal("filename", parameters[0].Name);
        Assert.DoesNotContain(parameters[0].Value, c => c is '/' or '\\' or '"' || c < 0x20);
        if (parameters.Count == 2)
        {
            Assert.Equal("filename*", parameters[1].Name);
            Assert.Equal(stored, Uri.UnescapeDataString(parameters[1].Value["UTF-8''".Length..]));
        }
        else
        {
            Assert.Equal(stored, parameters[0].Value);
        }

        Assert.DoesNotContain(stored, c => char.IsControl(c) || c is '/' or '\\' or '\u202E');
    }

    [Theory]
    [InlineData("page.html", "text/html", "<html><script>alert(1)</script></html>", true)]
    [InlineData("image.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", true)]
    [InlineData("data.xml", "application/xml", "<a><script>alert(1)</script></a>", true)]
    [InlineData("page.html", null, "<html><script>alert(1)</script></html>", true)]
    [InlineData("claims-text.txt", "text/plain", "<html><script>alert(1)</script></html>", false)]
    [InlineData("doc.pdf", "application/pdf", "%PDF-1.4 /JavaScript (app.alert(1))", false)]
    public async Task C20_Active_content_is_an_attachment_nosniff_and_sandboxed_by_its_stored_type(
        string name, string? declared, string content, bool sandboxed)
    {
        using var upload = await _user.Client.PutFileAsync("doc", Encoding.UTF8.GetBytes(content), name, configure: r =>
            r.Content!.Headers.ContentType = declared is null ? null : new MediaTypeHeaderValue(declared));
        var file = await upload.JsonAsync();

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var request = new HttpRequestMessage(method, $"/v1/files/{file.Str("id")}/content");
            using var response = await _user.Client.SendAsync(request, NativeApi.Token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(file.Str("mediaType"), response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
            Assert.Equal(sandboxed ? "sandbox; default-src 'none'" : null, response.Header("Content-Security-Policy"));
        }
    }

    [Fact]
    public async Task C21_Private_downloads_are_not_for_shared_caches_and_presigned_ones_are_not_stored()
    {
        var file = await _user.Client.UploadAsync("doc", "private"u8.ToArray(), "p.txt");

        using var download = await _user.Client.GetAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token);
        Assert.True(download.Headers.CacheControl is { Private: true, NoCache: true, NoStore: false, Public: false }, download.Header("Cache-Control"));
        Assert.Contains("Accept", download.Headers.Vary);

        using var issued = await _user.Client.PostAsJsonAsync($"/v1/files/{file.Str("id")}/links", new { }, NativeApi.Token);
        var url = new Uri((await issued.JsonAsync()).Str("url"));
        Assert.Equal("no-store", issued.Header("Cache-Control"));
        using var linked = await _user.Client.GetAsync(url.PathAndQuery, NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.True(linked.Headers.CacheControl is { Private: true, NoStore: true, Public: false }, linked.Header("Cache-Control"));
    }
}
