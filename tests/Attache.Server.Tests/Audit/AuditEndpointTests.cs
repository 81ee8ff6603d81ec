using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Attache.Core.Audit;
using Attache.Server.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Attache.Server.Tests.Audit;

public sealed class AuditEndpointTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new(new Dictionary<string, string?> { ["Attache:Audit:FlushDelay"] = "00:00:00.010" });
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        _admin.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("audit-test", "1.0"));
        await _admin.CreateDocumentAsync(new { id = "doc" });
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
    }

    private Task<List<JsonElement>> EventsAsync(string query = "", int count = 1) => _admin.AuditEventsAsync(query, count);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string correlationId, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Correlation-Id", correlationId);
        configure?.Invoke(request);
        return await _admin.SendAsync(request, NativeApi.Token);
    }

    [Fact]
    public async Task Upload_download_link_and_delete_are_recorded_with_principal_and_origin()
    {
        using (var upload = await SendAsync(HttpMethod.Put, "/v1/documents/doc/files/file?fileName=a.txt", "c-upload",
            r => r.Content = new ByteArrayContent("0123456789abcdefghij"u8.ToArray())))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }

        (await SendAsync(HttpMethod.Get, "/v1/files/1/content", "c-download", r => r.Headers.Range = new RangeHeaderValue(5, 9))).Dispose();
        (await SendAsync(HttpMethod.Post, "/v1/files/1/links", "c-link")).Dispose();
        (await SendAsync(HttpMethod.Delete, "/v1/files/1", "c-delete")).Dispose();

        var events = await EventsAsync(count: 4);

        Assert.Equal(["delete", "link", "download", "upload"], events.Select(e => e.Str("action")));
        Assert.Equal(["c-delete", "c-link", "c-download", "c-upload"], events.Select(e => e.Str("correlationId")));
        Assert.All(events, e =>
        {
            Assert.Equal("admin", e.Str("principal"));
            Assert.Equal("doc", e.Str("documentId"));
            Assert.Equal("1", e.Str("fileId"));
            Assert.Equal("audit-test/1.0", e.Str("userAgent"));
            Assert.Equal("ok", e.Str("result"));
            Assert.Equal(_app.Clock.GetUtcNow(), e.GetProperty("time").GetDateTimeOffset());
        });
        var download = events[2];
        Assert.Equal((206, 5L, "5-9", 1), (download.GetProperty("status").GetInt32(), download.GetProperty("bytes").GetInt64(), download.Str("range"), download.GetProperty("version").GetInt32()));
        Assert.Equal(20, events[3].GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task A_download_through_a_link_is_recorded_without_a_principal()
    {
        await _admin.UploadAsync("doc", "linked"u8.ToArray());
        using var issued = await _admin.PostAsync("/v1/files/1/links", null, NativeApi.Token);
        var path = new Uri((await issued.JsonAsync()).Str("url")).PathAndQuery;
        using var anonymous = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Correlation-Id", "c-anonymous");
        (await anonymous.SendAsync(request, NativeApi.Token)).Dispose();

        var download = Assert.Single(await EventsAsync("?action=download"));

        Assert.Equal(JsonValueKind.Null, download.GetProperty("principal").ValueKind);
        Assert.Equal(("c-anonymous", 6L, 200), (download.Str("correlationId"), download.GetProperty("bytes").GetInt64(), download.GetProperty("status").GetInt32()));
        Assert.StartsWith("link s1 expiring ", download.Str("detail"), StringComparison.Ordinal);
        Assert.DoesNotContain(path["/l/".Length..], (await EventsAsync(count: 3)).Select(e => e.GetRawText()).Aggregate(string.Concat), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_narrow_the_trail_and_pages_follow_the_cursor()
    {
        await _admin.CreateDocumentAsync(new { id = "other" });
        await _admin.UploadAsync("doc", [1]);
        await _admin.UploadAsync("other", [2]);
        for (var i = 0; i < 3; i++)
        {
            _app.Clock.Advance(TimeSpan.FromMinutes(1));
            (await _admin.GetAsync("/v1/files/1/content", NativeApi.Token)).Dispose();
        }

        (await _admin.GetAsync("/v1/files/2/content", NativeApi.Token)).Dispose();
        await EventsAsync(count: 6);

        Assert.Equal(3, (await EventsAsync("?action=download&file=1")).Count);
        Assert.Equal(["upload"], (await EventsAsync("?document=other&action=upload")).Select(e => e.Str("fileId") == "2" ? "upload" : "?"));
        Assert.Equal(6, (await EventsAsync("?principal=admin")).Count);
        Assert.Empty(await EventsAsync("?principal=nobody", count: 0));
        var from = Uri.EscapeDataString(_app.Clock.GetUtcNow().AddMinutes(-1).ToString("O"));
        var to = Uri.EscapeDataString(_app.Clock.GetUtcNow().ToString("O"));
        Assert.Single(await EventsAsync($"?from={from}&to={to}"));

        var seen = new List<long>();
        string? cursor = null;
        do
        {
            using var response = await _admin.GetAsync("/v1/audit?limit=4" + (cursor is null ? "" : "&cursor=" + cursor), NativeApi.Token);
            var page = await response.JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(6, seen.Count);
        Assert.Equal(seen.OrderDescending(), seen);
    }

    [Theory]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?to=2026-13-45", "to")]
    [InlineData("?action=read", "action")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?cursor=abc", "cursor")]
    public async Task A_bad_filter_is_400_naming_it(string query, string field)
    {
        using var response = await _admin.GetAsync("/v1/audit" + query, NativeApi.Token);

        Assert.Equal(field, (await response.ProblemAsync(HttpStatusCode.BadRequest)).Str("field"));
    }

    [Fact]
    public async Task The_trail_needs_credentials()
    {
        using var anonymous = _app.CreateClient();

        using var response = await anonymous.GetAsync("/v1/audit", NativeApi.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Many_downloads_are_written_in_far_fewer_transactions()
    {
        await using var app = new AttacheApp();
        using var admin = app.CreateAdminClient();
        await admin.CreateDocumentAsync(new { id = "doc" });
        await admin.UploadAsync("doc", NativeApi.Bytes(1000));
        var writer = app.Services.GetRequiredService<AuditWriter>();
        for (var i = 0; i < 100 && writer.Batches == 0; i++)
        {
            await Task.Delay(20, NativeApi.Token);
        }

        var before = writer.Batches;
        await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ => (await admin.GetAsync("/v1/files/1/content", NativeApi.Token)).Dispose()));
        for (var i = 0; i < 200 && (await app.Services.GetRequiredService<AuditService>().QueryAsync(
            Core.Principals.Caller.Admin(), new AuditQuery(Action: AuditActions.Download, Limit: 1000), null, NativeApi.Token)).Value.Items.Count < 100; i++)
        {
            await Task.Delay(25, NativeApi.Token);
        }

        Assert.InRange(writer.Batches - before, 1, 20);
        Assert.Equal(0, writer.Dropped);
    }
}
