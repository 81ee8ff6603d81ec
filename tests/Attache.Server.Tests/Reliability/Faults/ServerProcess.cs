using System.Diagnostics;
using System.Globalization;
using Attache.Server.Tests.ScaleOut;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>
/// One real Attache process (the built <c>Attache.Server.dll</c>) on a loopback port, keeping its data in a folder of
/// its own, so that faults can be injected into it from outside (strace attached to its id). Stopped by its id.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Cluster.Node _node;
    private readonly Process _process;

    private ServerProcess(Cluster.Node node, Process process, string dataPath)
    {
        _node = node;
        _process = process;
        DataPath = dataPath;
    }

    public Uri Address => _node.Address;

    public string DataPath { get; }

    public int ProcessId => _node.ProcessId;

    public bool HasExited => _process.HasExited;

    public string BlobRoot => Path.Combine(DataPath, "blobs");

    /// <summary>Why no process can be started here, or null.</summary>
    public static string? MissingPart() =>
        Cluster.ServerAssembly() is null ? "the fault tests need the built Attache.Server.dll under artifacts/bin/Attache.Server." : null;

    /// <summary>Starts a server with embedded SQLite and file-system blobs in <paramref name="dataPath"/>.</summary>
    public static async Task<ServerProcess> StartAsync(string dataPath, IDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var assembly = Cluster.ServerAssembly() ?? throw new InvalidOperationException(MissingPart());
        var port = Cluster.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.Environment["Attache__DataPath"] = dataPath;
        start.Environment["Attache__AdminApiKey"] = AttacheApp.AdminKey;
        start.Environment["Urls"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var log = Path.Combine(dataPath, "..", Path.GetFileName(dataPath) + ".log");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var node = new Cluster.Node(Path.GetFileName(dataPath), process, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")), log);
        node.CopyOutput();
        var server = new ServerProcess(node, process, dataPath);
        try
        {
            await Cluster.WaitForHealthAsync(server.Address, process, log, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public HttpClient AdminClient() => Cluster.Client(Address, AttacheApp.AdminKey);

    public ValueTask DisposeAsync() => new(_node.StopAsync());
}
