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
    public async Task A_first_start_without_a_key_prints_one_once_and_keeps_only_its_hash()
    {
        await using var app = new AttacheApp(new Dictionary<string, string?> { ["Attache:AdminApiKey"] = "" });
        var logs = new Http.LogSink();
        await using var logged = app.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(logs)));
        using var anonymous = logged.CreateClient();

        var key = Assert.Single(logs.Entries.Select(e => KeyPattern().Match(e.Message)), m => m.Success).Value;
        var stored = await File.ReadAllTextAsync(Path.Combine(app.DataPath, "admin-key.sha256"), NativeApi.Token);
        Assert.DoesNotContain(key, stored, StringComparison.Ordinal);
        Assert.Equal(64, stored.Trim().Length);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/documents");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await anonymous.SendAsync(request, NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await using var restarted = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Attache:DataPath", app.DataPath);
            builder.UseSetting("Attache:AdminApiKey", "");
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(new Http.LogSink()));
        });
        using var again = restarted.CreateClient();
        using var second = new HttpRequestMessage(HttpMethod.Get, "/v1/documents");
        second.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await again.SendAsync(second, NativeApi.Token)).StatusCode);
        Assert.Single(logs.Entries, e => KeyPattern().IsMatch(e.Message));
    }

    [Fact]
    public async Task The_key_hash_file_is_readable_by_its_owner_only()
    {
        await using var app = new AttacheApp(new Dictionary<string, string?> { ["Attache:AdminApiKey"] = "" });
        using var client = app.CreateClient();

        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only exist on Unix.");
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(Path.Combine(app.DataPath, "admin-key.sha256"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("abcd")]
    [InlineData("zz")]
    public async Task A_damaged_key_hash_file_stops_the_start_with_a_message_naming_it(string content)
    {
        await using var app = new AttacheApp(new Dictionary<string, string?> { ["Attache:AdminApiKey"] = "" });
        var hashFile = Path.Combine(app.DataPath, "admin-key.sha256");
        await File.WriteAllTextAsync(hashFile, content, NativeApi.Token);

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains(hashFile, error.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("atk_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
