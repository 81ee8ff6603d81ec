using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Attache.Server.Tests;

/// <summary>
/// The real server in process, on a fresh data folder (SQLite file + blob folder) of its own, with a known admin key
/// and a fake clock. <see cref="AttacheApp.Kestrel"/> serves on a loopback port instead of the in-memory test server.
/// </summary>
public sealed class AttacheApp : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";

    private readonly Dictionary<string, string?> _settings;
    private readonly S3Blobs? _s3 = S3Blobs.Requested ? new S3Blobs() : null;

    public AttacheApp(IDictionary<string, string?>? settings = null, bool kestrel = false)
    {
        DataPath = Path.Combine(Path.GetTempPath(), "attache-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataPath);
        _settings = new Dictionary<string, string?>
        {
            ["Attache:DataPath"] = DataPath,
            ["Attache:AdminApiKey"] = AdminKey,
        };
        foreach (var (key, value) in _s3?.Settings() ?? [])
        {
            _settings[key] = value;
        }

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

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public static AttacheApp Kestrel(IDictionary<string, string?>? settings = null)
    {
        var app = new AttacheApp(settings, kestrel: true);
        app.StartServer();
        return app;
    }

    /// <summary>What makes another app a second node of this one's installation: the data folder and the blob store.</summary>
    public Dictionary<string, string?> NodeSettings() =>
        _settings.Where(setting => setting.Key == "Attache:DataPath" || setting.Key.StartsWith("Attache:Blobs:", StringComparison.Ordinal))
            .ToDictionary();

    /// <summary>Every file under the blob folder (or object under the S3 prefix), staging ones included.</summary>
    public IEnumerable<string> BlobFiles()
    {
        if (_s3 is not null)
        {
            return _s3.Keys();
        }

        var root = Path.Combine(DataPath, "blobs");
        return Directory.Exists(root) ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories) : [];
    }

    /// <summary>How many bytes of an upload must arrive before <see cref="StagingFiles"/> shows it: S3 sends whole parts.</summary>
    public int BytesBeforeStagingShows => _s3 is null ? 1 : S3Blobs.PartSize + 1;

    /// <summary>The uploads being received: staging files, or staging objects and unfinished uploads in S3.</summary>
    public IEnumerable<string> StagingFiles() =>
        _s3 is not null
            ? _s3.Keys().Where(key => key.StartsWith(_s3.Prefix + "staging/", StringComparison.Ordinal))
            : BlobFiles().Where(path => path.StartsWith(Path.Combine(DataPath, "blobs", ".staging") + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    /// <summary>Overwrites a stored blob with other bytes, as damage to the store would.</summary>
    public async Task DamageBlobAsync(string sha256, byte[] bytes)
    {
        if (_s3 is not null)
        {
            await _s3.ReplaceAsync(sha256, bytes);
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
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
