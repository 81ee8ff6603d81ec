using System.Net;
using System.Text;
using Attache.Server.Tests.Http;

namespace Attache.Server.Tests.Reliability.Ranges;

public sealed class RangeTests(DownloadFixture fixture) : IClassFixture<DownloadFixture>
{
    private const string Full = DownloadFixture.TestContent;

    public static TheoryData<string, string, int, string?, string> Matrix()
    {
        // Ported from ceph/s3-tests and RFC 9110 §14 (reliability.md §3 D item 24), on the 11-byte "testcontent".
        (string Range, int Status, string? ContentRange, string Body)[] cases =
        [
            ("bytes=4-7", 206, "bytes 4-7/11", "cont"),
            ("bytes=4-", 206, "bytes 4-10/11", "content"),
            ("bytes=-7", 206, "bytes 4-10/11", "content"),
            ("bytes=0-0", 206, "bytes 0-0/11", "t"),
            ("bytes=10-10", 206, "bytes 10-10/11", "t"),
            ("bytes=-1", 206, "bytes 10-10/11", "t"),
            ("bytes=5-99", 206, "bytes 5-10/11", "ontent"),
            ("bytes=11-", 416, "bytes */11", ""),
            ("bytes=40-50", 416, "bytes */11", ""),
            ("bytes=-0", 416, "bytes */11", ""),
            ("bytes=-99999", 206, "bytes 0-10/11", Full),
            ("bytes=7-4", 200, null, Full),
            ("bytes=-", 200, null, Full),
            ("bytes=abc", 200, null, Full),
            ("bytes=1-2,", 200, null, Full),
            ("bytes=1 -2", 200, null, Full),
            ("BYTES=1-2", 206, "bytes 1-2/11", "es"),
            ("bytes = 1-2", 206, "bytes 1-2/11", "es"),
            ("bytes=1-2 , 4-4", 206, null, ""),
            // RFC 9110 §14.2: an unknown range unit is ignored (the framework's file result answers 206 here).
            ("items=1-2", 200, null, Full),
            ("bytes=0-18446744073709551615", 206, "bytes 0-10/11", Full),
            ("bytes=99999999999999999999-", 416, "bytes */11", ""),
            ("bytes=-99999999999999999999", 206, "bytes 0-10/11", Full),
            ("bytes=0-99999999999999999999999999999999", 206, "bytes 0-10/11", Full),
            ("bytes=" + string.Join(",", Enumerable.Repeat("0-", 200)), 200, null, Full),
            ("bytes=" + string.Join(",", Enumerable.Repeat("0-0", 100)), 206, "bytes 0-0/11", "t"),
            ("bytes=" + string.Join(",", Enumerable.Repeat("0-0", 101)), 200, null, Full),
            ("bytes=0-3,2-5", 206, "bytes 0-5/11", "testco"),
            ("bytes=3-5,0-3", 206, "bytes 0-5/11", "testco"),
            ("bytes=40-50,2-3", 206, "bytes 2-3/11", "st"),
        ];
        var data = new TheoryData<string, string, int, string?, string>();
        foreach (var host in DownloadFixture.HostNames)
        {
            foreach (var (range, status, contentRange, body) in cases)
            {
                data.Add(host, range, status, contentRange, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task D24_Range_header_on_testcontent_gives_the_RFC_answer(string host, string range, int status, string? contentRange, string body)
    {
        var response = await fixture.Host(host).RawAsync("GET", "/blob/testcontent", ("Range", range));

        Assert.Equal(status, response.Status);
        if (contentRange is not null)
        {
            Assert.Equal(contentRange, response.Header("Content-Range"));
        }

        if (status != 206 || contentRange is not null)
        {
            Assert.Equal(body, response.Text);
        }

        Assert.Equal(response.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Header("Content-Length"));

        Assert.Equal("bytes", response.Header("Accept-Ranges"));
        if (status == 200)
        {
            Assert.Null(response.Header("Content-Range"));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task D24_Any_range_on_an_empty_file_is_unsatisfiable(bool localPaths)
    {
        using var response = await fixture.Host(localPaths).Client.GetAsync("/blob/empty", ("Range", "bytes=0-"));

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */0", response.Header("Content-Range"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task D25_Unordered_ranges_come_back_as_multipart_in_the_order_requested(bool localPaths)
    {
        using var response = await fixture.Host(localPaths).Client.GetAsync("/blob/testcontent", ("Range", "bytes=8-, 0-1,4-5,5-6"));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Null(response.Header("Content-Range"));
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var boundary = response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!;
        Assert.Matches("^[0-9a-f]{32}$", boundary);

        var parts = await Responses.PartsAsync(body, response.Content.Headers.ContentType);

        Assert.Equal(
            [
                ("text/plain", "bytes 8-10/11", "ent"),
                ("text/plain", "bytes 0-1/11", "te"),
                ("text/plain", "bytes 4-6/11", "con"),
            ],
            parts.Select(p => (p.ContentType, p.ContentRange, Encoding.UTF8.GetString(p.Body))));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task D25_Adjacent_ranges_are_not_merged(bool localPaths)
    {
        using var response = await fixture.Host(localPaths).Client.GetAsync("/blob/testcontent", ("Range", "bytes=0-1,2-3"));

        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var parts = await Responses.PartsAsync(body, response.Content.Headers.ContentType!);

        Assert.Equal(["bytes 0-1/11", "bytes 2-3/11"], parts.Select(p => p.ContentRange));
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task D25_Each_multipart_answer_has_a_fresh_boundary()
    {
        var client = fixture.Local.Client;
        using var first = await client.GetAsync("/blob/testcontent", ("Range", "bytes=0-1,3-4"));
        using var second = await client.GetAsync("/blob/testcontent", ("Range", "bytes=0-1,3-4"));

        Assert.NotEqual(first.Content.Headers.ContentType!.ToString(), second.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task D24_Range_is_ignored_on_HEAD()
    {
        using var response = await fixture.Local.Client.SendAsync(HttpMethod.Head, "/blob/testcontent", ("Range", "bytes=0-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(11, response.Content.Headers.ContentLength);
        Assert.Null(response.Header("Content-Range"));
    }
}
