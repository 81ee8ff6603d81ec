using Attache.Server.Http;
using Attache.Server.Tests.Http;

namespace Attache.Server.Tests.Reliability.Headers;

/// <summary>What the download engine says about content it serves: sandbox for active types, the dialect's caching and disposition.</summary>
public sealed class ActiveContentTests(DownloadFixture fixture) : IClassFixture<DownloadFixture>
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
    public async Task C20_Active_content_is_sandboxed_and_everything_is_nosniff(string mediaType, bool sandboxed)
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
    public async Task C20_The_content_type_override_decides_the_sandbox()
    {
        fixture.Local.Add("override", "<html/>", "text/plain", "o.html", new DownloadOptions { ContentType = "text/html" });

        var response = await fixture.Local.RawAsync("GET", "/blob/override");

        Assert.Equal("text/html", response.Header("Content-Type"));
        Assert.Equal("sandbox; default-src 'none'", response.Header("Content-Security-Policy"));
    }

    [Fact]
    public async Task C21_Dialect_options_set_disposition_type_cache_control_and_extra_headers()
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
    public async Task C19_Disposition_type_is_the_one_the_caller_chose(string type)
    {
        var name = "disposition-" + type;
        fixture.Local.Add(name, "testcontent", "text/plain", "notes.txt", new DownloadOptions { DispositionType = type });

        var response = await fixture.Local.RawAsync("GET", "/blob/" + name);

        Assert.Equal($"{type}; filename=\"notes.txt\"", response.Header("Content-Disposition"));
    }
}
