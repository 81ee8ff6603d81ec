using System.Net;
using Attache.Core.Audit;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Audit;

/// <summary>The audit trail over real sockets: what a client that leaves actually got, and what a stopping server still writes.</summary>
public sealed class AuditKestrelTests : IAsyncDisposable
{
    private readonly TestStore _store = new();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private async Task<IReadOnlyList<AuditEvent>> StoredAsync(string action) =>
        await _store.OpenAuditStore().QueryAsync(new AuditQuery(Action: action, Limit: 1000), NativeApi.Token);

    [Fact]
    public async Task A_client_that_leaves_mid_download_is_recorded_with_the_bytes_it_was_sent()
    {
        const long size = 64L * 1024 * 1024;
        await using var app = AttacheApp.Kestrel(store: _store);
        using var admin = app.CreateAdminClient();
        await admin.CreateDocumentAsync(new { id = "doc" });
        using (var upload = await admin.PutFileAsync("doc", NativeApi.Bytes((int)size)))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }

        using (var response = await admin.GetAsync("/v1/files/1/content", HttpCompletionOption.ResponseHeadersRead, NativeApi.Token))
        {
            await using var body = await response.Content.ReadAsStreamAsync(NativeApi.Token);
            await body.ReadAtLeastAsync(new byte[1024 * 1024], 1024 * 1024, cancellationToken: NativeApi.Token);
        }

        IReadOnlyList<AuditEvent> downloads = [];
        for (var i = 0; i < 200 && downloads.Count == 0; i++)
        {
            await Task.Delay(50, NativeApi.Token);
            downloads = await StoredAsync(AuditActions.Download);
        }

        var aborted = Assert.Single(downloads);
        Assert.Equal((AuditResults.Aborted, 200, "admin", "127.0.0.1"), (aborted.Result, aborted.Status, aborted.Principal, aborted.ClientAddress));
        Assert.InRange(aborted.Bytes!.Value, 1024 * 1024, size - 1);
        Assert.Null(aborted.Range);
    }

    [Fact]
    public async Task Stopping_the_server_writes_every_event_still_queued()
    {
        var app = AttacheApp.Kestrel(new Dictionary<string, string?> { ["Attache:Audit:FlushDelay"] = "01:00:00" }, _store);
        using (var admin = app.CreateAdminClient())
        {
            await admin.CreateDocumentAsync(new { id = "doc" });
            await admin.UploadAsync("doc", [1, 2, 3]);
            for (var i = 0; i < 20; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/files/1/content");
                request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(1, 1);
                (await admin.SendAsync(request, NativeApi.Token)).Dispose();
            }
        }

        Assert.Empty(await StoredAsync(AuditActions.Download));
        await app.DisposeAsync();

        var downloads = await StoredAsync(AuditActions.Download);
        Assert.Equal(20, downloads.Count);
        Assert.All(downloads, e => Assert.Equal((206, 1L, "1-1"), (e.Status, e.Bytes, e.Range)));
        Assert.Single(await StoredAsync(AuditActions.Upload));
    }
}
