namespace Attache.Server.Tests.Http;

public sealed class HeaderTests(DownloadFixture fixture) : IClassFixture<DownloadFixture>
{
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
