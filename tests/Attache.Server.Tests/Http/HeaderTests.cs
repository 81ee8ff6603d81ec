using Attache.Server.Http;

namespace Attache.Server.Tests.Http;

public sealed class HeaderTests(DownloadFixture fixture) : IClassFixture<DownloadFixture>
{
    [Theory]
    [InlineData("text/html", true)]
    [InlineData("text/html; charset=utf-8", true)]
    [InlineData("application/xhtml+xml", true)]
    [InlineData("image/svg+xml", true)]
    [InlineData("TEXT/XML", true)]
    [InlineData("application/xml", true)]
    [InlineData("application/atom+xml", true)]
    [InlineData("text/plain", false)]
    [InlineData("application/pdf", false)]
    [InlineData("image/png", false)]
    public async Task Active_content_is_sandboxed_and_everything_is_nosniff(string mediaType, bool sandboxed)
    {
        var name = "active-" + Guid.NewGuid().ToString("N");
        fixture.Local.Add(name, "<svg/>", mediaType, "x.svg");

        var response = await fixture.Local.RawAsync("GET", "/blob/" + name);

        Assert.Equal(200, response.Status);
        Assert.Equal(mediaType, response.Header("Content-Type"));
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Equal(sandboxed ? "sandbox; default-src 'none'" : null, response.Header("Content-Security-Policy"));
    }

    [Fact]
    public async Task The_content_type_override_decides_the_sandbox()
    {
        fixture.Local.Add("override", "<html/>", "text/plain", "o.html", new DownloadOptions { ContentType = "text/html" });

        var response = await fixture.Local.RawAsync("GET", "/blob/override");

        Assert.Equal("text/html", response.Header("Content-Type"));
        Assert.Equal("sandbox; default-src 'none'", response.Header("Content-Security-Policy"));
    }

    [Theory]
    [InlineData("local")]
    [InlineData("streamed")]
    [InlineData("kestrel")]
    public async Task HEAD_answers_with_the_same_headers_as_GET_and_no_body(string host)
    {
        var get = await fixture.Host(host).RawAsync("GET", "/blob/testcontent");
        var head = await fixture.Host(host).RawAsync("HEAD", "/blob/testcontent");

        Assert.Equal(200, head.Status);
        Assert.Empty(head.Body);
        Assert.Equal("11", head.Header("Content-Length"));
        Assert.Equal(
            get.Headers.Where(h => h.Key != "Date").OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase),
            head.Headers.Where(h => h.Key != "Date").OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Dialect_options_set_disposition_type_cache_control_and_extra_headers()
    {
        fixture.Local.Add("dialect", "testcontent", "audio/x-dss", "dictation.dss", new DownloadOptions
        {
            DispositionType = "see_dictation_attachment",
            FileNameStyle = FileNameStyle.UnquotedToken,
            CacheControl = "no-store",
            ExtraHeaders = response => response.Headers["X-Dialect"] = "yes",
        });

        var response = await fixture.Local.RawAsync("GET", "/blob/dialect");

        Assert.Equal("see_dictation_attachment; filename=dictation.dss", response.Header("Content-Disposition"));
        Assert.Equal("no-store", response.Header("Cache-Control"));
        Assert.Equal("yes", response.Header("X-Dialect"));
    }

    [Theory]
    [InlineData("attachment")]
    [InlineData("inline")]
    public async Task Disposition_type_is_the_one_the_caller_chose(string type)
    {
        var name = "disposition-" + type;
        fixture.Local.Add(name, "testcontent", "text/plain", "notes.txt", new DownloadOptions { DispositionType = type });

        var response = await fixture.Local.RawAsync("GET", "/blob/" + name);

        Assert.Equal($"{type}; filename=\"notes.txt\"", response.Header("Content-Disposition"));
    }

    [Theory]
    [InlineData("local")]
    [InlineData("streamed")]
    [InlineData("kestrel")]
    public async Task A_missing_blob_answers_500_with_no_body_and_logs_an_error(string host)
    {
        var downloads = fixture.Host(host);
        var plan = downloads.Add("vanishing-" + Guid.NewGuid().ToString("N"), "soon gone " + Guid.NewGuid());
        await downloads.Store.DeleteAsync(plan.BlobKey, TestContext.Current.CancellationToken);

        var response = await downloads.RawAsync("GET", "/blob/" + plan.FileId);

        Assert.Equal(500, response.Status);
        Assert.Empty(response.Body);
        Assert.Null(response.Header("Content-Disposition"));
        Assert.Contains(downloads.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains(plan.BlobKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_blob_answers_500_to_HEAD_and_ranges_too()
    {
        var plan = fixture.Streamed.Add("vanishing-head", "gone for HEAD");
        await fixture.Streamed.Store.DeleteAsync(plan.BlobKey, TestContext.Current.CancellationToken);

        Assert.Equal(500, (await fixture.Streamed.RawAsync("HEAD", "/blob/vanishing-head")).Status);
        Assert.Equal(500, (await fixture.Streamed.RawAsync("GET", "/blob/vanishing-head", ("Range", "bytes=0-1,3-4"))).Status);
    }
}
