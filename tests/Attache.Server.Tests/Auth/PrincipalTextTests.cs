using System.Net;
using System.Net.Http.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Auth;

/// <summary>Principal text that one metadata store could keep and another could not is refused alike, as the client's mistake.</summary>
public sealed class PrincipalTextTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new();
    private HttpClient? _admin;

    private HttpClient Admin => _admin!;

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        using var created = await Admin.PostAsJsonAsync("/v1/principals", new { name = "carol" }, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _admin?.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("line\nbreak")]
    public async Task A_display_name_with_a_control_character_is_a_bad_request_naming_the_field(string displayName)
    {
        using var created = await Admin.PostAsJsonAsync("/v1/principals", new { name = "dave", displayName }, NativeApi.Token);
        using var patched = await Admin.PatchAsJsonAsync("/v1/principals/carol", new { displayName }, NativeApi.Token);

        foreach (var response in new[] { created, patched })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("displayName", await response.Content.ReadAsStringAsync(NativeApi.Token), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, await Admin.StatusAsync(HttpMethod.Get, "/v1/principals/dave"));
    }
}
