using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Attache.Server.Tests.Api;

/// <summary>Small helpers that speak the native API the way a client would.</summary>
internal static class NativeApi
{
    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task<JsonElement> CreateDocumentAsync(this HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/v1/documents", body, Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Token);
    }

    public static async Task<HttpResponseMessage> PutFileAsync(
        this HttpClient client, string documentId, byte[] content, string fileName = "data.bin", string slot = "file",
        string? index = null, Action<HttpRequestMessage>? configure = null)
    {
        var path = $"/v1/documents/{documentId}/files/{slot}" + (index is null ? "" : "/" + index) + $"?fileName={Uri.EscapeDataString(fileName)}";
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent(content) };
        configure?.Invoke(request);
        return await client.SendAsync(request, Token);
    }

    public static async Task<JsonElement> UploadAsync(this HttpClient client, string documentId, byte[] content, string fileName = "data.bin", string slot = "file")
    {
        using var response = await client.PutFileAsync(documentId, content, fileName, slot);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Token);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Token);

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static MediaTypeHeaderValue OctetStream => new("application/octet-stream");
}
