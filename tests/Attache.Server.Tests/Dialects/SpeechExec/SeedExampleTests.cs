using System.Net;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Dialects.SpeechExec;

/// <summary>Each example of the seed, replayed literally: same request, same status, same headers, same body fields.</summary>
public sealed class SeedExampleTests(SpeechExecWorld world) : IClassFixture<SpeechExecWorld>
{
    private const string SeedPath = "/dms/dictations/sarah/1ea29334-6008-41e4-8db5-0c88c14f6ac0/attachment";

    [Fact]
    public async Task A_dictation_id_that_is_not_a_guid_is_400_ID_not_valid()
    {
        using var response = await world.GetAsync("/dms/dictations/sarah/not_valid_ID/attachment", "\"" + SpeechExecWorld.ServerKey + "\"");
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "ID_not_valid");
    }

    [Fact]
    public async Task An_empty_api_key_is_401_Invalid_api_key()
    {
        using var response = await world.GetAsync(SeedPath, "\"\"");
        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "Invalid_api_key");
    }

    [Fact]
    public async Task The_attached_document_streams_with_the_products_headers()
    {
        using var response = await world.GetAsync(SeedPath, "\"" + SpeechExecWorld.ServerKey + "\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.GetValues("Content-Type").Single());
        Assert.Equal("see_dictation_attachment; filename=test044.wav.rtf", response.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal(SpeechExecWorld.SeedRtf, await response.Content.ReadAsStringAsync(NativeApi.Token));
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(SpeechExecWorld.SeedRtf), response.Content.Headers.ContentLength);
    }
}
