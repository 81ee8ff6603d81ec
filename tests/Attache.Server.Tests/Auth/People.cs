using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Auth;

/// <summary>Makes principals through the admin API, and clients that speak as them.</summary>
internal static class People
{
    public static async Task<JsonElement> CreatePrincipalAsync(this HttpClient admin, object body)
    {
        using var response = await admin.PostAsJsonAsync("/v1/principals", body, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    public static async Task<string> IssueKeyAsync(this HttpClient admin, string name)
    {
        using var response = await admin.PostAsync($"/v1/principals/{name}/api-keys", null, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).Str("key");
    }

    /// <summary>A user with an API key (no password: hashing one is slow by design), and a client that sends that key.</summary>
    public static async Task<HttpClient> UserAsync(this AttacheApp app, HttpClient admin, string name, params string[] groups)
    {
        await admin.CreatePrincipalAsync(new { name, groups });
        var key = await admin.IssueKeyAsync(name);
        return app.ClientWithKey(key);
    }

    public static HttpClient ClientWithKey(this AttacheApp app, string key)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static string Password(string name) => $"{name}-password-1";

    public static async Task<HttpStatusCode> StatusAsync(this HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request, NativeApi.Token);
        return response.StatusCode;
    }
}
