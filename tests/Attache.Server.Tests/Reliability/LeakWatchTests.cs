using System.Net;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Auth;

namespace Attache.Server.Tests.Reliability;

/// <summary>The leak search itself: it must find a marker the caller reads, or the suite's clean results mean nothing.</summary>
public sealed class LeakWatchTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new();
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        await _admin.CreatePrincipalAsync(new { name = "olivia" });
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_marker_in_a_body_a_header_or_a_ranged_slice_is_found()
    {
        var canary = await Canary.PlantAsync(_admin, "olivia");
        var (client, watch) = LeakWatch.Client(_app, [canary], AttacheApp.AdminKey);
        using (client)
        {
            using (await client.GetAsync($"/v1/documents/{canary.DocumentId}", NativeApi.Token))
            {
            }

            using (await client.GetAsync($"/v1/files/{canary.FileId}/content", NativeApi.Token))
            {
            }

            using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{canary.FileId}/content");
            ranged.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 100 + (2 * canary.Marker.Length));
            using var response = await client.SendAsync(ranged, NativeApi.Token);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        }

        Assert.Equal(3, watch.Searched);
        Assert.Equal(3, watch.Leaks.Count);
        Assert.Contains(watch.Leaks, leak => leak.Contains("/content → 206", StringComparison.Ordinal));
        Assert.Empty(_app.Errors);
    }
}
