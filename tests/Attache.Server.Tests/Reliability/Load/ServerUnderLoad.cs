using System.Diagnostics;
using System.Globalization;
using Attache.Server.Tests.ScaleOut;

namespace Attache.Server.Tests.Reliability.Load;

/// <summary>
/// One real server process (the built <c>Attache.Server.dll</c>) on the store the test configuration asks for, so that
/// its memory and descriptors read from /proc are the server's own and nothing of the test runner's.
/// </summary>
internal sealed class ServerUnderLoad : IAsyncDisposable
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
