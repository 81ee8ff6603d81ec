using System.Net;
using System.Text.Json;
using Attache.Client;
using Attache.Server.Tests.Import;

namespace Attache.Server.Tests.Dialects.DocumentApi;

/// <summary>The README's Document API example against <c>samples/demo.json</c>.</summary>
public sealed class DocumentApiDemoTests : IAsyncLifetime
{
    private readonly DocumentApiWorld _world = new();

    public async ValueTask InitializeAsync()
    {
        await _world.InitializeAsync();
        using var admin = _world.App.CreateAdminClient();
        await new AttacheClient(admin).ImportAsync(Samples.Demo, DocumentApiWorld.Token);
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task The_demo_client_gets_a_token_and_its_url_based_document_has_no_file_path()
    {
        var token = await _world.TokenAsync(clientId: "demo-client", secret: "demo-client-secret");

        using var presign = await _world.PostAsync("/docapi/download", """{"document_id":"url-doc-1"}""", token);
        using var details = await _world.PostAsync("/docapi/get-document-details", """{"document_id":"url-doc-1"}""", token);

        await presign.AssertErrorAsync(435, "Document has no file path");
        Assert.Equal(HttpStatusCode.OK, details.StatusCode);
        var data = JsonDocument.Parse(await details.Content.ReadAsStringAsync(DocumentApiWorld.Token)).RootElement.GetProperty("data");
        Assert.Equal("https://example.com/reports/q3.pdf", data.GetProperty("document_url").GetString());
        Assert.Equal("my-domain", data.GetProperty("collection_id").GetString());
    }
}
