using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Attache.Server.Tests.Api;

public sealed partial class AdminKeyTests
{
    [Fact]
    public async Task A_first_start_without_a_key_creates_the_admin_principal_prints_its_key_once_and_keeps_only_its_hash()
    {
        await using var app = new AttacheApp(new Dictionary<string, string?> { ["Attache:AdminApiKey"] = "" });
        var logs = new Http.LogSink();
        await using var logged = app.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(logs)));
        using var anonymous = logged.CreateClient();

        var key = Assert.Single(logs.Entries.Select(e => KeyPattern().Match(e.Message)), m => m.Success).Value;
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(anonymous, key, "/v1/principals/admin"));
        if (!TestStore.UsesPostgres)
        {
            var database = await File.ReadAllBytesAsync(Path.Combine(app.DataPath, "attache.db"), NativeApi.Token);
            Assert.DoesNotContain(key, System.Text.Encoding.Latin1.GetString(database), StringComparison.Ordinal);
        }

        Assert.Equal([Sha256Hex(key)], await app.Store.QueryAsync("SELECT sha256 FROM api_keys WHERE principal = 'admin';", NativeApi.Token));

        await using var restarted = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (name, value) in app.Store.Settings)
            {
                builder.UseSetting(name, value);
            }

            builder.UseSetting("Attache:AdminApiKey", "");
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(logs));
        });
        using var again = restarted.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(again, key, "/v1/documents"));
        Assert.Single(logs.Entries, e => KeyPattern().IsMatch(e.Message));
    }

    [Fact]
    public async Task A_configured_key_acts_as_admin_and_no_key_is_made_or_printed()
    {
        await using var app = new AttacheApp();
        var logs = new Http.LogSink();
        await using var logged = app.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(logs)));
        using var client = logged.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, AttacheApp.AdminKey, "/v1/principals/admin"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, AttacheApp.AdminKey + "x", "/v1/documents"));
        Assert.DoesNotContain(logs.Entries, e => KeyPattern().IsMatch(e.Message));
        Assert.Empty(await app.Store.QueryAsync("SELECT sha256 FROM api_keys;", NativeApi.Token));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string key, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request, NativeApi.Token);
        return response.StatusCode;
    }

    private static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex("atk_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
