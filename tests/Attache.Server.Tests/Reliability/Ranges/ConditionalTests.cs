using System.Net;
using Attache.Server.Tests.Http;

namespace Attache.Server.Tests.Reliability.Ranges;

public sealed class ConditionalTests(DownloadFixture fixture) : IClassFixture<DownloadFixture>
{
    private const string Earlier = "Thu, 01 Jan 2026 00:00:00 GMT";
    private const string Later = "Sat, 03 Jan 2026 00:00:00 GMT";

    private string ETag => $"\"{fixture.Local.Store.Add("testcontent"u8)}\"";

    private Task<RawResponse> GetAsync(params (string Name, string Value)[] headers) =>
        fixture.Local.RawAsync("GET", "/blob/testcontent", headers);

    [Fact]
    public async Task D27_ETag_is_the_quoted_sha256_and_Last_Modified_is_in_whole_seconds()
    {
        var response = await GetAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal(ETag, response.Header("ETag"));
        Assert.Equal(DownloadHost.LastModifiedHttp, response.Header("Last-Modified"));
        Assert.Equal("private, no-cache", response.Header("Cache-Control"));
    }

    [Theory]
    [InlineData("current")]
    [InlineData("*")]
    [InlineData("weak")]
    [InlineData("list")]
    public async Task D27_If_None_Match_that_matches_answers_304_with_validators_and_no_body(string kind)
    {
        var value = kind switch
        {
            "current" => ETag,
            "weak" => "W/" + ETag,
            "list" => "\"other\", " + ETag,
            _ => "*",
        };

        var response = await GetAsync(("If-None-Match", value));

        Assert.Equal(304, response.Status);
        Assert.Empty(response.Body);
        Assert.Equal(ETag, response.Header("ETag"));
        Assert.Equal(DownloadHost.LastModifiedHttp, response.Header("Last-Modified"));
        Assert.Equal("private, no-cache", response.Header("Cache-Control"));
        Assert.Null(response.Header("Content-Disposition"));
    }

    [Fact]
    public async Task D27_If_None_Match_that_differs_answers_200()
    {
        var response = await GetAsync(("If-None-Match", "\"other\""));

        Assert.Equal(200, response.Status);
        Assert.Equal("testcontent", response.Text);
    }

    [Fact]
    public async Task D27_If_None_Match_also_answers_304_to_HEAD()
    {
        var response = await fixture.Local.RawAsync("HEAD", "/blob/testcontent", ("If-None-Match", ETag));

        Assert.Equal(304, response.Status);
    }

    [Theory]
    [InlineData(DownloadHost.LastModifiedHttp, 304)]
    [InlineData(Later, 304)]
    [InlineData(Earlier, 200)]
    [InlineData("garbage", 200)]
    [InlineData("yesterday", 200)]
    public async Task D27_If_Modified_Since_answers_304_unless_modified_after_it_and_ignores_bad_dates(string date, int status)
    {
        var response = await GetAsync(("If-Modified-Since", date));

        Assert.Equal(status, response.Status);
        Assert.Equal(status == 200 ? "testcontent" : "", response.Text);
    }

    [Fact]
    public async Task D27_If_None_Match_takes_precedence_over_If_Modified_Since()
    {
        var response = await GetAsync(("If-None-Match", "\"other\""), ("If-Modified-Since", Later));

        Assert.Equal(200, response.Status);
    }

    [Theory]
    [InlineData("\"other\"", 412)]
    [InlineData("*", 200)]
    [InlineData("current", 200)]
    [InlineData("weak", 412)]
    [InlineData("not an etag", 412)]
    public async Task D27_If_Match_compares_strongly(string value, int status)
    {
        value = value switch
        {
            "current" => ETag,
            "weak" => "W/" + ETag,
            _ => value,
        };

        var response = await GetAsync(("If-Match", value));

        Assert.Equal(status, response.Status);
        Assert.Equal(status == 200 ? "testcontent" : "", response.Text);
    }

    [Theory]
    [InlineData(Earlier, 412)]
    [InlineData(DownloadHost.LastModifiedHttp, 200)]
    [InlineData(Later, 200)]
    [InlineData("garbage", 200)]
    public async Task D27_If_Unmodified_Since_fails_when_the_file_changed_after_it(string date, int status)
    {
        var response = await GetAsync(("If-Unmodified-Since", date));

        Assert.Equal(status, response.Status);
    }

    [Fact]
    public async Task D27_If_Match_takes_precedence_over_If_Unmodified_Since()
    {
        var response = await GetAsync(("If-Match", ETag), ("If-Unmodified-Since", Earlier));

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task D27_A_failed_If_Match_wins_over_a_Range()
    {
        var response = await GetAsync(("If-Match", "\"other\""), ("Range", "bytes=0-1"));

        Assert.Equal(412, response.Status);
        Assert.Empty(response.Body);
    }

    [Theory]
    [InlineData("current", 206)]
    [InlineData("\"stale\"", 200)]
    [InlineData("weak", 200)]
    [InlineData(DownloadHost.LastModifiedHttp, 206)]
    [InlineData(Earlier, 200)]
    [InlineData("garbage", 200)]
    public async Task D27_If_Range_applies_the_Range_only_when_the_validator_still_matches(string value, int status)
    {
        value = value switch
        {
            "current" => ETag,
            "weak" => "W/" + ETag,
            _ => value,
        };

        var response = await GetAsync(("Range", "bytes=4-7"), ("If-Range", value));

        Assert.Equal(status, response.Status);
        Assert.Equal(status == 206 ? "cont" : "testcontent", response.Text);
    }

    [Fact]
    public async Task D27_A_matching_If_None_Match_answers_304_even_with_a_Range()
    {
        using var response = await fixture.Local.Client.GetAsync("/blob/testcontent", ("If-None-Match", ETag), ("Range", "bytes=0-1"));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }
}
