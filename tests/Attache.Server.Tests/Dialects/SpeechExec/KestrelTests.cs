using System.Net;
using System.Net.Http.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Dialects.SpeechExec;

/// <summary>What a real Kestrel does with the raw request line: an encoded slash stays in the author segment.</summary>
public sealed class KestrelTests
{
    [Theory]
    [InlineData("/SEEAppInterface/dms/dictations/sa%2Frah/1ea29334-6008-41e4-8db5-0c88c14f6ac0/attachment", HttpStatusCode.BadRequest, "Username_not_valid")]
    [InlineData("/SEEAppInterface/dms/dictations/sa%2frah", HttpStatusCode.BadRequest, "Username_not_valid")]
    [InlineData("/SEEAppInterface/dms/dictations/sarah/1ea29334-6008-41e4-8db5-0c88c14f6ac0%2Fattachment", HttpStatusCode.NotFound, "Generic_error")]
    [InlineData("/SEEAppInterface/dms/dictations/sarah/..%2F..%2Fusers/attachment", HttpStatusCode.BadRequest, "ID_not_valid")]
    public async Task An_encoded_slash_never_splits_a_segment(string path, HttpStatusCode status, string failureCode)
    {
        await using var app = AttacheApp.Kestrel();
        using var client = app.CreateAdminClient();
        using (var imported = await client.PostAsJsonAsync("/v1/import", new { serverApiKeys = new[] { SpeechExecWorld.ServerKey } }, NativeApi.Token))
        {
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-sps-api-key", SpeechExecWorld.ServerKey);
        using var response = await client.SendAsync(request, NativeApi.Token);
        await response.AssertErrorAsync(status, failureCode);
    }
}
