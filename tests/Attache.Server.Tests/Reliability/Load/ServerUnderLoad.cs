using System.Diagnostics;
using System.Globalization;
using Attache.Server.Tests.ScaleOut;

namespace Attache.Server.Tests.Reliability.Load;

/// <summary>
/// One real server process (the built <c>Attache.Server.dll</c>) on the store the test configuration asks for, so that
/// its memory and descriptors read from /proc are the server's own and nothing of the test runner's.
/// </summary>
internal sealed partial class ServerUnderLoad : IAsyncDisposable
{
    private readonly TestStore _store;

    private ServerUnderLoad(TestStore store, Cluster.Node node)
    {
        _store = store;
        Node = node;
    }

    public Cluster.Node Node { get; }

    public Uri Address => Node.Address;

    /// <summary>Why the server process cannot run here, or null.</summary>
    public static string? MissingPart() =>
        !OperatingSystem.IsLinux() ? "load tests read /proc, which only Linux has."
        : Cluster.ServerAssembly() is null ? "load tests need the built Attache.Server.dll under artifacts/bin/Attache.Server."
        : null;

    public static async Task<ServerUnderLoad> StartAsync(CancellationToken cancellationToken)
    {
        var store = new TestStore();
        try
        {
            var folder = Path.Combine(store.DataPath, "process");
            Directory.CreateDirectory(folder);
            return new ServerUnderLoad(store, await Cluster.StartServerAsync(store.Settings, folder, "server", cancellationToken));
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>Open file descriptors of the server process (sockets included).</summary>
    public int Descriptors() => Directory.GetFiles($"/proc/{Node.ProcessId}/fd").Length;

    /// <summary>
    /// What the open descriptors are, counted by kind (sockets, pipes, each file with hex runs as <c>*</c>), so that a
    /// failure shows which kind stayed open.
    /// </summary>
    public Dictionary<string, int> DescriptorKinds()
    {
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        var sockets = SocketKinds();
        foreach (var descriptor in Directory.GetFiles($"/proc/{Node.ProcessId}/fd"))
        {
            string kind;
            try
            {
                var target = new FileInfo(descriptor).LinkTarget ?? "?";
                kind = target.StartsWith("socket:[", StringComparison.Ordinal) ? sockets.GetValueOrDefault(target["socket:[".Length..^1], "socket")
                    : target.StartsWith("pipe:", StringComparison.Ordinal) ? "pipe"
                    : HexRun().Replace(target, "*");
            }
            catch (IOException)
            {
                continue;
            }

            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        }

        return kinds;
    }

    /// <summary>
    /// Descriptors that pools keep open as long as they see fit, bounded by how many requests ran at once rather than by
    /// how many ran: the metadata database's pooled connections (its file, or a socket to another port) and the S3
    /// client's connections.
    /// </summary>
    public static bool IsPooled(string kind) =>
        kind.EndsWith("attache.db", StringComparison.Ordinal) || kind.EndsWith("attache.db-wal", StringComparison.Ordinal)
        || kind.EndsWith("attache.db-shm", StringComparison.Ordinal) || kind.StartsWith("outbound", StringComparison.Ordinal);

    /// <summary>Descriptors a leak would show in: every kind but the pools' (<see cref="IsPooled"/>).</summary>
    public static int Unpooled(Dictionary<string, int> kinds) => kinds.Where(kind => !IsPooled(kind.Key)).Sum(kind => kind.Value);

    /// <summary>Waits until the descriptors outside pools number at most <paramref name="bound"/>; the last count seen.</summary>
    public async Task<int> UnpooledDescriptorsSettleAsync(int bound, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int count;
        while ((count = Unpooled(DescriptorKinds())) > bound && clock.Elapsed < limit)
        {
            await Task.Delay(250, cancellationToken);
        }

        return count;
    }

    /// <summary>TCP sockets of the process by inode: a client's connection to the server, the listener, or an outbound one.</summary>
    private Dictionary<string, string> SocketKinds()
    {
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            foreach (var line in File.ReadLines($"/proc/{Node.ProcessId}/net/{table}").Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var localPort = int.Parse(columns[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var remotePort = int.Parse(columns[2].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                kinds[columns[9]] = localPort != Address.Port ? $"outbound to port {remotePort}"
                    : columns[3] == "0A" ? "listener" : "inbound connection";
            }
        }

        return kinds;
    }

    /// <summary>The kinds whose count differs between two <see cref="DescriptorKinds"/> readings.</summary>
    public static string Difference(Dictionary<string, int> before, Dictionary<string, int> after) =>
        string.Join(", ", before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Where(kind => before.GetValueOrDefault(kind) != after.GetValueOrDefault(kind))
            .Select(kind => $"{kind}: {before.GetValueOrDefault(kind)} → {after.GetValueOrDefault(kind)}"));

    [System.Text.RegularExpressions.GeneratedRegex("[0-9a-f]{8,}")]
    private static partial System.Text.RegularExpressions.Regex HexRun();

    /// <summary>Resident memory of the server process, in MiB.</summary>
    public double ResidentMiB()
    {
        var line = File.ReadLines($"/proc/{Node.ProcessId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024d;
    }

    /// <summary>Waits until the descriptor count is at most <paramref name="bound"/>; the last count seen.</summary>
    public async Task<int> DescriptorsSettleAsync(int bound, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int count;
        while ((count = Descriptors()) > bound && clock.Elapsed < limit)
        {
            await Task.Delay(250, cancellationToken);
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await Node.StopAsync();
        await _store.DisposeAsync();
    }
}

/// <summary>Where load tests put their figures: the test's output, and the file <c>ATTACHE_LOAD_REPORT</c> names, a line each.</summary>
internal static class LoadReport
{
    private static readonly Lock Gate = new();

    public static void Write(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("ATTACHE_LOAD_REPORT") is { Length: > 0 } path)
        {
            lock (Gate)
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }
}

/// <summary>Percentiles of a sample.</summary>
internal static class Percentile
{
    public static double Of(IReadOnlyCollection<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
