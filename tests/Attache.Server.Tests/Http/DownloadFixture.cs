namespace Attache.Server.Tests.Http;

/// <summary>Two in-process hosts with the same blobs: one store offers local paths, the other only streams.</summary>
public sealed class DownloadFixture : IAsyncLifetime
{
    public const string TestContent = "testcontent";

    internal DownloadHost Local { get; private set; } = null!;

    internal DownloadHost Streamed { get; private set; } = null!;

    /// <summary>Real Kestrel on 127.0.0.1, local paths.</summary>
    internal DownloadHost Kestrel { get; private set; } = null!;

    internal DownloadHost Host(bool localPaths) => localPaths ? Local : Streamed;

    internal DownloadHost Host(string name) => name switch
    {
        "local" => Local,
        "streamed" => Streamed,
        "kestrel" => Kestrel,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public static readonly string[] HostNames = ["local", "streamed", "kestrel"];

    public async ValueTask InitializeAsync()
    {
        Local = await DownloadHost.StartAsync(kestrel: false, localPaths: true, TestContext.Current.CancellationToken);
        Streamed = await DownloadHost.StartAsync(kestrel: false, localPaths: false, TestContext.Current.CancellationToken);
        Kestrel = await DownloadHost.StartAsync(kestrel: true, localPaths: true, TestContext.Current.CancellationToken);
        foreach (var host in new[] { Local, Streamed, Kestrel })
        {
            host.Add("testcontent", TestContent, "text/plain", "testcontent.txt");
            host.Add("empty", [], "application/octet-stream", "empty.bin");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Local.DisposeAsync();
        await Streamed.DisposeAsync();
        await Kestrel.DisposeAsync();
    }
}
