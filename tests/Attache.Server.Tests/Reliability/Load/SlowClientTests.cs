using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.ScaleOut;

namespace Attache.Server.Tests.Reliability.Load;

/// <summary>
/// Debian's slowhttptest against the real server process with its default limits: 256 connections that send their
/// headers (or their body) a few bytes at a time must all be cut by the server within 35 s, while a client that asks
/// normally keeps being served, and the server's descriptors come back once the attack ends.
/// </summary>
[Collection(LoadTests.Name)]
public sealed partial class SlowClientTests
{
    private const int Connections = 256;

    /// <summary>The goal: every slow connection closed by the server within this many seconds of the attack's start.</summary>
    private const int CutWithinSeconds = 35;

    private const int SlowReaders = 100;
    private const int LargeFiles = 2;
    private const int LargeFileBytes = 8 * 1024 * 1024;

    /// <summary>How long slowhttptest -X runs at most before it gives up by itself.</summary>
    private const int SlowReadSeconds = 40;

    /// <summary>The documented limit for a reader that stalls (ResponseStallTimeout, 30 s, and a margin): cut within this many seconds.</summary>
    private const int SlowReadCutWithinSeconds = 35;

    /// <summary>Resident memory may stay this far above where it was: the runtime keeps some of what it grew to.</summary>
    private const double SettledMiBAboveBaseline = 64;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("-H", "GET", "/health")]
    [InlineData("-B", "POST", "/v1/documents")]
    public async Task I55_Slow_connections_are_all_cut_within_35_s_while_normal_clients_are_served(string attack, string verb, string path)
    {
        var slowhttptest = SlowHttpTestOrSkip();

        await using var server = await ServerUnderLoad.StartAsync(Token);
        using var admin = Cluster.Client(server.Address, Cluster.AdminKey);
        var content = NativeApi.Bytes(64 * 1024, seed: 11);
        await admin.CreateDocumentAsync(new { id = "served" });
        var fileId = (await admin.UploadAsync("served", content)).Str("id");
        var baseline = server.Descriptors();
        var baselineKinds = server.DescriptorKinds();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var normal = ServeNormallyAsync(server.Address, $"/v1/files/{fileId}/content", content, stop.Token);
        var peak = 0;
        var watch = Task.Run(
            async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, server.Descriptors());
                    await Task.Delay(200, CancellationToken.None);
                }
            },
            CancellationToken.None);

        // Its own test length (-l 60) is longer than the goal, so an attack that ends sooner ended because the server cut
        // every connection. -i: a few bytes every 5 s; -s: a 100 kB body announced; -r: all connections in the first second.
        var csv = Path.Combine(Path.GetTempPath(), $"attache-slow-{Guid.NewGuid():N}");
        var output = await RunAsync(slowhttptest, [attack, "-c", $"{Connections}", "-r", $"{Connections}", "-i", "5", "-s", "100000", "-l", "60",
            "-t", verb, "-u", $"http://127.0.0.1:{server.Address.Port}{path}", "-g", "-o", csv]);
        await Task.Delay(TimeSpan.FromSeconds(2), Token);
        await stop.CancelAsync();
        var (served, failed, latencies) = await normal;
        await watch;

        var table = (await File.ReadAllLinesAsync(csv + ".csv", Token)).Skip(1).Select(line => line.Split(',').Select(int.Parse).ToArray()).ToList();
        File.Delete(csv + ".csv");
        File.Delete(csv + ".html");
        var ended = int.Parse(EndedOn().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        LoadReport.Write(
            $"{attack}: {Connections} slow connections, at most {table.Max(row => row[3])} open at once, all closed by second {ended}; " +
            $"normal requests {served} ok, {failed} failed, p50 {Percentile.Of(latencies, 50):F1} ms, p99 {Percentile.Of(latencies, 99):F1} ms; " +
            $"server descriptors {baseline} before, {peak} at the peak");

        Assert.Contains("No open connections left", output, StringComparison.Ordinal);
        // Every connection was open at once (so each lived from the first second or two to at most `ended`).
        Assert.Equal(Connections, table.Max(row => row[3]));
        Assert.True(peak >= baseline + (Connections / 2), $"the server held {peak} descriptors at the peak, {baseline} before: the attack did not reach it");
        Assert.InRange(ended, 1, CutWithinSeconds);
        Assert.True(served > 0 && failed <= served / 100, $"normal requests: {served} served, {failed} failed");

        var settled = await server.DescriptorsSettleAsync(baseline + 5, TimeSpan.FromSeconds(15), Token);
        Assert.True(settled <= baseline + 5, $"descriptors {baseline} → {settled}: {ServerUnderLoad.Difference(baselineKinds, server.DescriptorKinds())}");
    }

    [Fact]
    public async Task I55_Slow_readers_of_large_downloads_are_cut_and_leave_no_descriptors_or_memory_behind()
    {
        var slowhttptest = SlowHttpTestOrSkip();

        await using var server = await ServerUnderLoad.StartAsync(Token);
        using var admin = Cluster.Client(server.Address, Cluster.AdminKey);
        await admin.CreateDocumentAsync(new { id = "large" });
        var large = new List<string>();
        for (var file = 0; file < LargeFiles; file++)
        {
            var id = (await admin.UploadAsync("large", NativeApi.Bytes(LargeFileBytes, seed: 20 + file), $"large{file}.bin", slot: $"large{file}")).Str("id");
            using var link = await admin.PostAsync($"/v1/files/{id}/links", null, Token);
            Assert.Equal(HttpStatusCode.OK, link.StatusCode);
            large.Add(new Uri((await link.JsonAsync()).Str("url")).PathAndQuery);
        }

        // The attacked URLs serve the large files to a client without credentials, as slowhttptest is.
        using (var anonymous = new HttpClient { BaseAddress = server.Address })
        using (var probe = await anonymous.GetAsync(large[0], HttpCompletionOption.ResponseHeadersRead, Token))
        {
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
            Assert.Equal(LargeFileBytes, probe.Content.Headers.ContentLength);
        }

        var content = NativeApi.Bytes(64 * 1024, seed: 11);
        await admin.CreateDocumentAsync(new { id = "served" });
        var fileId = (await admin.UploadAsync("served", content)).Str("id");
        // Warm the download path once, so that the baseline holds what any served download leaves (pools, caches).
        Assert.Equal(content, await admin.GetByteArrayAsync($"/v1/files/{fileId}/content", Token));
        var baseline = server.Descriptors();
        var baselineKinds = server.DescriptorKinds();
        var baselineUnpooled = ServerUnderLoad.Unpooled(baselineKinds);
        var baselineMiB = server.ResidentMiB();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var normal = ServeNormallyAsync(server.Address, $"/v1/files/{fileId}/content", content, stop.Token);
        var peak = 0;
        var peakMiB = 0d;
        var attack = Stopwatch.StartNew();
        TimeSpan? released = null;
        var watch = Task.Run(
            async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var descriptors = server.Descriptors();
                    peak = Math.Max(peak, descriptors);
                    peakMiB = Math.Max(peakMiB, server.ResidentMiB());
                    // Released: the attack's sockets and blob handles closed again. Pools (the S3 client's connections, the
                    // database's) may keep what the busiest moment opened, so they are left out of the count.
                    released ??= peak > baseline + SlowReaders && ServerUnderLoad.Unpooled(server.DescriptorKinds()) <= baselineUnpooled + 5
                        ? attack.Elapsed
                        : null;
                    await Task.Delay(200, CancellationToken.None);
                }
            },
            CancellationToken.None);

        // One slowhttptest per large file, the connections split among them. -X: each connection advertises a receive
        // window of 512 to 1024 bytes and reads 32 bytes every 5 s, far below MinResponseBytesPerSecond; -l: the tool
        // stops by itself after SlowReadSeconds.
        var csvs = large.Select(_ => Path.Combine(Path.GetTempPath(), $"attache-slowread-{Guid.NewGuid():N}")).ToList();
        await Task.WhenAll(large.Select((path, index) => RunAsync(slowhttptest, ["-X", "-c", $"{SlowReaders / LargeFiles}",
            "-r", $"{SlowReaders}", "-w", "512", "-y", "1024", "-n", "5", "-z", "32", "-l", $"{SlowReadSeconds}", "-p", "10",
            "-u", $"http://127.0.0.1:{server.Address.Port}{path}", "-g", "-o", csvs[index]])));
        await Task.Delay(TimeSpan.FromSeconds(2), Token);
        await stop.CancelAsync();
        var (served, failed, latencies) = await normal;
        await watch;

        var open = 0;
        foreach (var csv in csvs)
        {
            var table = (await File.ReadAllLinesAsync(csv + ".csv", Token)).Skip(1).Select(line => line.Split(',').Select(int.Parse).ToArray()).ToList();
            open += table.Max(row => row[3]);
            File.Delete(csv + ".csv");
            File.Delete(csv + ".html");
        }

        var settled = await server.UnpooledDescriptorsSettleAsync(baselineUnpooled + 5, TimeSpan.FromSeconds(15), Token);
        var settledKinds = server.DescriptorKinds();
        var settledMiB = server.ResidentMiB();
        LoadReport.Write(
            $"-X: {SlowReaders} slow readers of {LargeFiles} files of {LargeFileBytes / (1024 * 1024)} MiB, {open} open at once, " +
            $"its descriptors back near the baseline {released?.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) ?? "never"} s after the attack began; " +
            $"normal requests {served} ok, {failed} failed, p50 {Percentile.Of(latencies, 50):F1} ms, p99 {Percentile.Of(latencies, 99):F1} ms; " +
            $"descriptors {baseline} before, {peak} at the peak, {settledKinds.Values.Sum()} after ({baselineUnpooled} → {settled} outside pools); " +
            $"RSS {baselineMiB:F0} MiB before, {peakMiB:F0} at the peak, {settledMiB:F0} after");

        // Every reader reached the server and held a download (its socket and the blob's handle) open...
        Assert.True(open >= SlowReaders * 9 / 10, $"only {open} of {SlowReaders} slow readers were open at once: the attack did not reach the server");
        Assert.True(peak >= baseline + SlowReaders, $"the server held {peak} descriptors at the peak, {baseline} before: the downloads did not start");
        // ...and the server cut each one and let go of what it held within the limit (Kestrel's rate check does it for
        // readers this slow from their first byte; StallGuard for those that stall later), while the tool still reads on:
        // what the kernel had already taken for a cut connection it delivers at the reader's pace, without the server.
        Assert.NotNull(released);
        Assert.True(released <= TimeSpan.FromSeconds(SlowReadCutWithinSeconds), $"the server held the slow readers for {released}");
        Assert.True(served > 0 && failed <= served / 100, $"normal requests: {served} served, {failed} failed");
        var difference = ServerUnderLoad.Difference(baselineKinds, settledKinds);
        Assert.True(settled <= baselineUnpooled + 5, $"descriptors outside pools {baselineUnpooled} → {settled}: {difference}");
        Assert.All(settledKinds.Where(kind => ServerUnderLoad.IsPooled(kind.Key)), pool => Assert.True(
            pool.Value <= baselineKinds.GetValueOrDefault(pool.Key) + SlowReaders + 16, $"{pool.Key}: {pool.Value} open after {SlowReaders} readers ({difference})"));
        Assert.True(settledMiB <= baselineMiB + SettledMiBAboveBaseline, $"RSS {baselineMiB:F0} MiB before, {settledMiB:F0} MiB after");
    }

    /// <summary>Downloads the file again and again until stopped, checking its bytes; counts and times each request.</summary>
    private static async Task<(int Served, int Failed, List<double> LatencyMs)> ServeNormallyAsync(
        Uri server, string path, byte[] content, CancellationToken stop)
    {
        using var client = Cluster.Client(server, Cluster.AdminKey);
        client.Timeout = TimeSpan.FromSeconds(10);
        int served = 0, failed = 0;
        var latencies = new List<double>();
        while (!stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await client.GetAsync(path, stop);
                var body = await response.Content.ReadAsByteArrayAsync(stop);
                if (response.StatusCode == HttpStatusCode.OK && body.AsSpan().SequenceEqual(content))
                {
                    served++;
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                }
                else
                {
                    failed++;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                failed++;
            }

            await Task.Delay(20, CancellationToken.None);
        }

        return (served, failed, latencies);
    }

    /// <summary>Runs slowhttptest to its end (killed by its id if it overruns), its output without colour codes.</summary>
    /// <summary>The slowhttptest binary; the test is skipped, with the reason, when it or a part the server needs is missing.</summary>
    private static string SlowHttpTestOrSkip()
    {
        var slowhttptest = new[] { "/usr/bin/slowhttptest", "/usr/local/bin/slowhttptest" }.FirstOrDefault(File.Exists);
        if (slowhttptest is null)
        {
            Assert.Skip("the slow-client tests need slowhttptest (Debian package slowhttptest); .ci/run installs it.");
        }

        if (ServerUnderLoad.MissingPart() is { } missing)
        {
            Assert.Skip(missing);
        }

        return slowhttptest;
    }

    private static async Task<string> RunAsync(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("slowhttptest did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(Token);
        var stderr = process.StandardError.ReadToEndAsync(Token);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
        }

        return AnsiColour().Replace(await stdout + await stderr, "");
    }

    [GeneratedRegex(@"Test ended on (\d+)\w* second")]
    private static partial Regex EndedOn();

    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex AnsiColour();
}
