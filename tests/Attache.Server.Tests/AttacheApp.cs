using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Attache.Server.Tests;

/// <summary>
/// The real server in process, on a fresh <see cref="TestStore"/> of its own (a data folder with the SQLite file and
/// blobs, or in the scale-out configuration a PostgreSQL database too) unless given one to share, with a known admin
/// key and a fake clock. <see cref="AttacheApp.Kestrel"/> serves on a loopback port instead of the in-memory test server.
/// </summary>
public sealed class AttacheApp : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";

    private readonly Dictionary<string, string?> _settings;
    private readonly TestStore? _ownStore;

    /// <param name="settings">Configuration on top of the defaults.</param>
    /// <param name="kestrel">Serve on a loopback port.</param>
    /// <param name="store">A store another app (a first node) uses too; by default the app has one of its own.</param>
    public AttacheApp(IDictionary<string, string?>? settings = null, bool kestrel = false, TestStore? store = null)
    {
        _ownStore = store is null ? new TestStore() : null;
        Store = store ?? _ownStore!;
        DataPath = Store.DataPath;
        _settings = new Dictionary<string, string?>(Store.Settings) { ["Attache:AdminApiKey"] = AdminKey };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        if (kestrel)
        {
            UseKestrel(0);
        }
    }

    public string DataPath { get; }

    /// <summary>Where this app keeps its data; give it to a second app to make a second node.</summary>
    public TestStore Store { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public static AttacheApp Kestrel(IDictionary<string, string?>? settings = null, TestStore? store = null)
    {
        var app = new AttacheApp(settings, kestrel: true, store);
        app.StartServer();
        return app;
    }

    /// <summary>Every file under the blob folder, staging files included.</summary>
    public IEnumerable<string> BlobFiles()
    {
        var root = Path.Combine(DataPath, "blobs");
        return Directory.Exists(root) ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories) : [];
    }

    /// <summary>A client that authenticates as the admin.</summary>
    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        client.Timeout = TimeSpan.FromMinutes(5);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Urls", "http://127.0.0.1:0");
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownStore is not null)
        {
            await _ownStore.DisposeAsync();
        }
    }
}
