using System.Net;
using System.Net.Http.Headers;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Http;

namespace Attache.Server.Tests.Reliability.Ranges;

/// <summary>
/// Reliability cases D24, D25, D27 and D28 (reliability.md §3 D) through the whole server, on the 11-byte file
/// "testcontent", by a user with another owner's canary she may not read (the canary's ranged slices would show it).
/// The engine's full tables are <see cref="RangeTests"/> and <see cref="ConditionalTests"/>; these show the API gives the
/// same answers. Decisions: <c>items=1-2</c> is ignored (200 full, RFC 9110 §14.2) although ASP.NET's file results
/// answer 206; several ranges are served as <c>multipart/byteranges</c> (up to 100, overlapping ones merged), so
/// <c>0-1,3-4</c> is a 206, while 200 copies of <c>0-</c> collapse to the whole file (200).
/// </summary>
public sealed class RangeAppTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new();
    private WatchedUser _user = null!;
    private string _content = "";

    public async ValueTask InitializeAsync()
    {
        _user = await WatchedUser.StartAsync(_app);
        _content = $"/v1/files/{(await _user.Client.UploadAsync("doc", "testcontent"u8.ToArray(), "t.txt")).Str("id")}/content";
    }

    public async ValueTask DisposeAsync()
    {
        _user.AssertClean();
        _user.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("bytes=4-7", 206, "bytes 4-7/11", "cont")]
    [InlineData("bytes=-7", 206, "bytes 4-10/11", "content")]
    [InlineData("bytes=11-", 416, "bytes */11", "")]
    [InlineData("bytes=-0", 416, "bytes */11", "")]
    [InlineData("bytes=7-4", 200, null, "testcontent")]
    [InlineData("BYTES=1-2", 206, "bytes 1-2/11", "es")]
    [InlineData("items=1-2", 200, null, "testcontent")]
    [InlineData("bytes=0-18446744073709551615", 206, "bytes 0-10/11", "testcontent")]
    [InlineData("bytes=0-99999999999999999999", 206, "bytes 0-10/11", "testcontent")]
    public async Task D24_The_api_answers_ranges_as_the_engine_does(string range, int status, string? contentRange, string body)
    {
        using var response = await _user.Client.GetAsync(_content, ("Range", range));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(contentRange, response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(body, await response.BodyAsync());
    }

    [Fact]
    public async Task D25_Two_hundred_open_ranges_give_the_file_once_and_two_ranges_a_multipart_answer()
    {
        using (var many = await _user.Client.GetAsync(_content, ("Range", "bytes=" + string.Join(",", Enumerable.Repeat("0-", 200)))))
        {
            Assert.Equal(HttpStatusCode.OK, many.StatusCode);
            Assert.Equal("testcontent", await many.BodyAsync());
        }

        using var two = await _user.Client.GetAsync(_content, ("Range", "bytes=0-1,3-4"));
        Assert.Equal(HttpStatusCode.PartialContent, two.StatusCode);
        var parts = await Responses.PartsAsync(await two.Content.ReadAsByteArrayAsync(NativeApi.Token), two.Content.Headers.ContentType!);
        Assert.Equal(["te", "tc"], parts.Select(p => System.Text.Encoding.ASCII.GetString(p.Body)));
    }

    [Fact]
    public async Task D27_Conditionals_follow_a_strong_etag_that_changes_with_the_content()
    {
        using var first = await _user.Client.GetAsync(_content, NativeApi.Token);
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);

        using (var notModified = await _user.Client.GetAsync(_content, ("If-None-Match", etag.Tag)))
        {
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(NativeApi.Token));
        }

        using (var mismatch = await _user.Client.GetAsync(_content, ("If-Match", "\"other\"")))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, mismatch.StatusCode);
        }

        using (var staleRange = await _user.Client.GetAsync(_content, ("Range", "bytes=0-1"), ("If-Range", "\"stale\"")))
        {
            Assert.Equal(HttpStatusCode.OK, staleRange.StatusCode);
        }

        using (var garbage = await _user.Client.GetAsync(_content, ("If-Modified-Since", "garbage")))
        {
            Assert.Equal(HttpStatusCode.OK, garbage.StatusCode);
        }

        using (var past = await _user.Client.GetAsync(_content, ("If-Unmodified-Since", "Thu, 01 Jan 2026 00:00:00 GMT")))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, past.StatusCode);
        }

        await _user.Client.UploadAsync("doc", "testcontenT"u8.ToArray(), "t.txt");
        using var changed = await _user.Client.GetAsync(_content, ("If-None-Match", etag.Tag));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Equal("testcontenT", await changed.BodyAsync());
    }

    [Fact]
    public async Task D28_A_file_that_is_not_ready_gives_no_bytes_to_GET_HEAD_or_a_range()
    {
        using var refused = await _user.Client.PutFileAsync("doc", "broken"u8.ToArray(), "b.txt", "broken",
            configure: r => r.Content!.Headers.ContentMD5 = new byte[16]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var files = await (await _user.Client.GetAsync("/v1/documents/doc/files", NativeApi.Token)).JsonAsync();
        var broken = files.GetProperty("items").EnumerateArray().Single(f => f.Str("slot") == "broken");
        var path = $"/v1/files/{broken.Str("id")}/content";

        foreach (var (method, range) in new[] { (HttpMethod.Get, (string?)null), (HttpMethod.Head, null), (HttpMethod.Get, "bytes=0-1"), (HttpMethod.Get, "bytes=-1") })
        {
            using var request = new HttpRequestMessage(method, path);
            if (range is not null)
            {
                request.Headers.Range = RangeHeaderValue.Parse(range);
            }

            using var response = await _user.Client.SendAsync(request, NativeApi.Token);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Null(response.Content.Headers.ContentRange);
            Assert.Null(response.Headers.AcceptRanges.FirstOrDefault());
        }
    }
}
