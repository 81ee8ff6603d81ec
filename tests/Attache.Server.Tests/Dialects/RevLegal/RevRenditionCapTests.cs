using System.Net;
using Attache.Server.Api;
using Attache.Server.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using static Attache.Server.Tests.Dialects.RevLegal.RevWorld;

namespace Attache.Server.Tests.Dialects.RevLegal;

/// <summary>
/// Rev's renditions (DOCX, PDF, text) share <c>Attache:Rendering:MaxConcurrent</c>/<c>MaxQueued</c> with /v1: with every
/// turn taken, a rendition is 503 with <c>Retry-After</c> and Rev's empty body, while stored representations still flow.
/// </summary>
public sealed class RevRenditionCapTests
{
    /// <summary>Rev's world on a server that renders one at a time and queues none.</summary>
    private static async Task<RevWorld> OneTurnWorldAsync()
    {
        var world = new RevWorld(new Dictionary<string, string?>
        {
            ["Attache:Rendering:MaxConcurrent"] = "1",
            ["Attache:Rendering:MaxQueued"] = "0",
        });
        await world.InitializeAsync();
        return world;
    }

    [Fact]
    public async Task With_every_rendering_turn_taken_a_rendition_is_503_with_retry_after_and_an_empty_body_and_passes_once_one_frees()
    {
        await using var world = await OneTurnWorldAsync();
        using var rev = world.Rev();
        var gate = world.App.Services.GetRequiredService<RenditionGate>();

        using (var turn = await gate.EnterAsync(NativeApi.Token))
        {
            Assert.True(turn.IsAcquired);
            foreach (var extension in new[] { ".docx", ".pdf", ".txt" })
            {
                using var busy = await rev.GetAsync($"/rev/api/v1/attachments/att-ai/content{extension}", NativeApi.Token);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(RenditionGate.RetryAfterSeconds), busy.Headers.RetryAfter?.Delta);
                Assert.Empty(await busy.Content.ReadAsByteArrayAsync(NativeApi.Token));
            }

            // The stored JSON and media are not renditions: the cap does not hold them.
            using var json = await rev.GetAsync("/rev/api/v1/attachments/att-ai/content.json", NativeApi.Token);
            Assert.Equal(HttpStatusCode.OK, json.StatusCode);
            using var media = await rev.GetAsync("/rev/api/v1/attachments/att-media/content", NativeApi.Token);
            Assert.Equal(HttpStatusCode.OK, media.StatusCode);

            // One cap: the native API's renditions wait on the same turns.
            using var native = world.Native();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/files/att-ai/content");
            request.Headers.Accept.ParseAdd(Pdf);
            using var nativeBusy = await native.SendAsync(request, NativeApi.Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, nativeBusy.StatusCode);
        }

        using var rendered = await rev.GetAsync("/rev/api/v1/attachments/att-ai/content.pdf", NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, rendered.StatusCode);
        Assert.Equal(Pdf, rendered.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_refusal_of_a_client_mistake_comes_before_the_cap()
    {
        await using var world = await OneTurnWorldAsync();
        using var rev = world.Rev();
        using var turn = await world.App.Services.GetRequiredService<RenditionGate>().EnterAsync(NativeApi.Token);

        using var unknown = await rev.GetAsync("/rev/api/v1/attachments/nope/content.pdf", NativeApi.Token);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var notOffered = await rev.GetAsync("/rev/api/v1/attachments/att-rtc-none/content.pdf", NativeApi.Token);
        Assert.Equal(HttpStatusCode.NotAcceptable, notOffered.StatusCode);
        using var stranger = world.Rev(userKey: OtherUserKey);
        using var hidden = await stranger.GetAsync("/rev/api/v1/attachments/att-ai/content.pdf", NativeApi.Token);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }
}
