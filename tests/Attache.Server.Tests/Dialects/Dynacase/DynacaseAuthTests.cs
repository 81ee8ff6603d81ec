using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Attache.Server.Tests.Api;
using Microsoft.AspNetCore.Http;

namespace Attache.Server.Tests.Dialects.Dynacase;

public sealed class DynacaseAuthTests : IAsyncLifetime
{
    private const string InfoPath = "/dynacase/api/documents/1234/file/fi_file";
    private static readonly string Unauthenticated = DynacaseWorld.ErrorBody("", "The user must be authenticated.");
    private readonly AttacheApp _app = new();

    public async ValueTask InitializeAsync()
    {
        using var admin = _app.CreateAdminClient();
        await DynacaseWorld.ImportAsync(admin);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("Basic", "reader:" + DynacaseWorld.ReaderPassword)]
    [InlineData("Dynacase", DynacaseWorld.ReaderKey)]
    [InlineData("dynacase", DynacaseWorld.ReaderKey)]
    [InlineData("Bearer", DynacaseWorld.ReaderKey)]
    [InlineData("Dynacase", AttacheApp.AdminKey)]
    public async Task Basic_the_product_token_and_a_bearer_key_each_authenticate(string scheme, string credentials)
    {
        using var client = _app.CreateClient();
        var parameter = scheme == "Basic" ? Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)) : credentials;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, parameter);

        var (status, _) = await client.ReadAsync(InfoPath);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic cmVhZGVyOndyb25n")]
    [InlineData("Basic !!!")]
    [InlineData("Dynacase not-a-key")]
    [InlineData("Dynacase ")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Negotiate abc")]
    public async Task Without_a_good_credential_the_answer_is_403_in_the_envelope_with_no_code(string? authorization)
    {
        using var client = _app.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.GetAsync(InfoPath, NativeApi.Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(Unauthenticated, await response.Content.ReadAsStringAsync(NativeApi.Token));
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
    }

    [Fact]
    public async Task Two_authorization_headers_are_refused()
    {
        using var client = _app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", ["Dynacase " + DynacaseWorld.ReaderKey, "Dynacase " + DynacaseWorld.ReaderKey]);

        var (status, body) = await client.ReadAsync(InfoPath);

        Assert.Equal((HttpStatusCode.Forbidden, Unauthenticated), (status, body));
    }

    [Theory]
    [InlineData("/dynacase/api/nothing-here", 404, "API0004")]
    [InlineData("/dynacase/api/documents/1234/file/fi_file/0/extra", 404, "API0004")]
    public async Task Unmatched_paths_under_the_base_answer_in_the_envelope(string path, int status, string code)
    {
        using var client = _app.WithToken(DynacaseWorld.ReaderKey);

        var (actual, body) = await client.ReadAsync(path);

        Assert.Equal((HttpStatusCode)status, actual);
        Assert.Contains($"\"code\":\"{code}\"", body, StringComparison.Ordinal);
        Assert.StartsWith("{\"success\":false,", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_method_on_a_file_is_405_in_the_envelope()
    {
        using var client = _app.WithToken(DynacaseWorld.ReaderKey);

        using var response = await client.DeleteAsync(InfoPath, NativeApi.Token);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("\"code\":\"CRUD0103\"", await response.Content.ReadAsStringAsync(NativeApi.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarded_headers_are_ignored_unless_switched_on()
    {
        var context = await SendWithForwardedHeadersAsync(_app, IPAddress.Loopback);

        Assert.Contains("\"uri\":\"http://localhost/dynacase/api/documents/1234/file/fi_file\"", await BodyAsync(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarded_headers_from_a_known_proxy_set_the_scheme_host_and_prefix_of_the_urls()
    {
        await using var app = new AttacheApp(new Dictionary<string, string?>
        {
            ["Attache:ForwardedHeaders:Enabled"] = "true",
            ["Attache:ForwardedHeaders:KnownProxies:0"] = "10.1.2.3",
        });
        using (var admin = app.CreateAdminClient())
        {
            await DynacaseWorld.ImportAsync(admin);
        }

        var trusted = await BodyAsync(await SendWithForwardedHeadersAsync(app, IPAddress.Parse("10.1.2.3")));
        var untrusted = await BodyAsync(await SendWithForwardedHeadersAsync(app, IPAddress.Parse("10.9.9.9")));

        Assert.Contains("\"uri\":\"https://docs.example.org/proxied/dynacase/api/documents/1234/file/fi_file\"", trusted, StringComparison.Ordinal);
        Assert.Contains("\"downloadUrl\":\"https://docs.example.org/proxied/dynacase/file/1234/1256/-1/fi_file/monimage.jpeg\"", trusted, StringComparison.Ordinal);
        Assert.Contains("\"uri\":\"http://localhost/dynacase/api/documents/1234/file/fi_file\"", untrusted, StringComparison.Ordinal);
    }

    private static async Task<HttpContext> SendWithForwardedHeadersAsync(AttacheApp app, IPAddress from) =>
        await app.Server.SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = from;
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = InfoPath;
            context.Request.Headers.Authorization = "Dynacase " + DynacaseWorld.ReaderKey;
            context.Request.Headers["X-Forwarded-Proto"] = "https";
            context.Request.Headers["X-Forwarded-Host"] = "docs.example.org";
            context.Request.Headers["X-Forwarded-Prefix"] = "/proxied";
            context.Request.Headers["X-Forwarded-For"] = "203.0.113.7";
        }, NativeApi.Token);

    private static async Task<string> BodyAsync(HttpContext context)
    {
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        using var reader = new StreamReader(context.Response.Body);
        return await reader.ReadToEndAsync(NativeApi.Token);
    }
}
