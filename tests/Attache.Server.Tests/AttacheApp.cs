using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
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

    /// <summary>The server's warnings and errors, kept so a test can assert that no request ended in an unhandled exception.</summary>
    public FakeLogCollector Logs { get; } = new(Options.Create(new FakeLogCollectorOptions
    {
        FilteredLevels = { LogLevel.Warning, LogLevel.Error, LogLevel.Critical },
    }));

    /// <summary>What the server logged at Error or above.</summary>
    public IReadOnlyList<FakeLogRecord> Errors => [.. Logs.GetSnapshot().Where(record => record.Level >= LogLevel.Error)];

    public static AttacheApp Kestrel(IDictionary<string, string?>? settings = null, TestStore? store = null)
    {
        var app = new AttacheApp(settings, kestrel: true, store);
        app.StartServer();
        return app;
    }

    /// <summary>Every file under the blob folder (or object under the S3 prefix), staging ones included.</summary>
    public IEnumerable<string> BlobFiles()
    {
        if (Store.S3 is not null)
        {
            return Store.S3.Keys();
        }

        var root = Path.Combine(DataPath, "blobs");
        return Directory.Exists(root) ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories) : [];
    }

    /// <summary>How many bytes of an upload must arrive before <see cref="StagingFiles"/> shows it: S3 sends whole parts.</summary>
    public int BytesBeforeStagingShows => Store.S3 is null ? 1 : S3Blobs.PartSize + 1;

    /// <summary>The uploads being received: staging files, or staging objects and unfinished uploads in S3.</summary>
    public IEnumerable<string> StagingFiles() =>
        Store.S3 is not null
            ? Store.S3.Keys().Where(key => key.StartsWith(Store.S3.Prefix + "staging/", StringComparison.Ordinal))
            : BlobFiles().Where(path => path.StartsWith(Path.Combine(DataPath, "blobs", ".staging") + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    /// <summary>Deletes every stored blob, as a store that lost its bytes would.</summary>
    public async Task LoseAllBlobsAsync()
    {
        if (Store.S3 is not null)
        {
            await Store.S3.PurgeAsync();
            return;
        }

        foreach (var blob in BlobFiles().ToList())
        {
            File.Delete(blob);
        }
    }

    /// <summary>Overwrites a stored blob with other bytes, as damage to the store would.</summary>
    public async Task DamageBlobAsync(string sha256, byte[] bytes)
    {
        if (Store.S3 is not null)
        {
            await Store.S3.ReplaceAsync(sha256, bytes);
            return;
        }

        await File.WriteAllBytesAsync(BlobFiles().Single(path => Path.GetFileName(path) == sha256), bytes);
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
        builder.ConfigureLogging(logging => logging.AddProvider(new FakeLoggerProvider(Logs)));
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
