using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.ScaleOut;

namespace Attache.Server.Tests.Reliability.Load;

/// <summary>
/// Many clients on the real server process for a while: 60% downloads (a third of them ranged), 30% uploads of 1 KB to
/// 8 MB, 10% transcript renditions. Every answer is checked byte for byte; there must be no error, memory must stay flat
/// and the server's descriptors must come back once the clients stop. CI runs 32 clients for 90 s; set
/// <c>ATTACHE_SOAK_SECONDS</c> and <c>ATTACHE_SOAK_CLIENTS</c> for a long run (e.g. 1800 and 64).
/// </summary>
[Collection(LoadTests.Name)]
public sealed class SoakTests
{
    private const int MinSize = 1024;
    private const int MaxSize = 8 * 1024 * 1024;

    private static readonly (string Accept, string MediaType, byte[] Magic)[] Renditions =
    [
        ("application/pdf", "application/pdf", "%PDF-"u8.ToArray()),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK"u8.ToArray()),
        ("text/plain", "text/plain", []),
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task G4_Clients_mixing_downloads_uploads_and_renditions_meet_no_error_flat_memory_and_no_leaked_descriptor()
    {
        if (ServerUnderLoad.MissingPart() is { } missing)
        {
            Assert.Skip(missing);
        }

        var seconds = Setting("ATTACHE_SOAK_SECONDS", 90);
        var clients = Setting("ATTACHE_SOAK_CLIENTS", 32);
        // A warm-up fills the pools, caches and heaps; what counts is what happens after it (2 minutes in a long run).
        var warmUp = TimeSpan.FromSeconds(Math.Min(120, seconds / 3.0));
        var main = TimeSpan.FromSeconds(seconds) - warmUp;

        await using var server = await ServerUnderLoad.StartAsync(Token);
        var world = await SeedAsync(server.Address);
        var memory = new List<(double Seconds, double MiB)>();
        var clock = Stopwatch.StartNew();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var sampler = Task.Run(
            async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    lock (memory)
                    {
                        memory.Add((clock.Elapsed.TotalSeconds, server.ResidentMiB()));
                    }

                    await Task.Delay(1000, CancellationToken.None);
                }
            },
            CancellationToken.None);

        var warm = await RunPhaseAsync(server.Address, world, clients, warmUp);
        await Task.Delay(TimeSpan.FromSeconds(3), Token);
        var quietDescriptors = server.Descriptors();
        var quietKinds = server.DescriptorKinds();
        var mainStart = clock.Elapsed.TotalSeconds;
        var measured = await RunPhaseAsync(server.Address, world, clients, main);
        var mainEnd = clock.Elapsed.TotalSeconds;
        var settled = await server.DescriptorsSettleAsync(quietDescriptors + 5, TimeSpan.FromSeconds(10), Token);
        await sampling.CancelAsync();
        await sampler;

        var warmRss = Median(memory.Where(s => s.Seconds > mainStart - (warmUp.TotalSeconds * 0.3) && s.Seconds <= mainStart - 3).Select(s => s.MiB));
        var underLoad = memory.Where(s => s.Seconds >= mainStart && s.Seconds <= mainEnd).ToList();
        var finalRss = Median(underLoad.Where(s => s.Seconds > mainEnd - (main.TotalSeconds * 0.3)).Select(s => s.MiB));
        var slope = SlopePerMinute(underLoad);
        var ttfb = measured.DownloadTtfbMs.ToList();
        LoadReport.Write(string.Create(CultureInfo.InvariantCulture,
            $"{clients} clients, {warmUp.TotalSeconds:F0} s warm-up + {main.TotalSeconds:F0} s: {measured.Operations} operations ({measured.Downloads} downloads, " +
            $"{measured.Uploads} uploads of {measured.UploadedBytes / (1024 * 1024)} MiB, {measured.Renditions} renditions), {warm.Errors.Count + measured.Errors.Count} errors; " +
            $"download TTFB p50 {Percentile.Of(ttfb, 50):F1} ms, p99 {Percentile.Of(ttfb, 99):F1} ms; RSS warm {warmRss:F0} MiB, final {finalRss:F0} MiB, " +
            $"slope {slope:F2} MiB/min; descriptors {quietDescriptors} after the warm-up, {settled} after the run ({ServerUnderLoad.Difference(quietKinds, server.DescriptorKinds())})"));

        Assert.Empty(warm.Errors.Concat(measured.Errors).Take(10));
        Assert.True(measured.Downloads > 0 && measured.Uploads > 0 && measured.Renditions > 0, "every kind of operation ran");
        // Flat: the heap and caches reached their size in the warm-up. 10% and 48 MiB absorb garbage collection's
        // sawtooth and the SQLite pool growing to the busiest moment (2 MiB of page cache a connection); a body buffered
        // whole, or 10 kB kept per request, would be far above it (the run moves over a GiB through some 5,000 requests).
        Assert.True(finalRss <= (warmRss * 1.1) + 48, $"RSS grew from {warmRss:F0} MiB to {finalRss:F0} MiB");
        if (main >= TimeSpan.FromMinutes(10))
        {
            Assert.True(slope < 1, $"RSS grew {slope:F2} MiB/min after the warm-up");
        }

        // Back to the baseline, apart from pools: each may keep what the busiest moment opened, but no more than one
        // connection per client and a few for the server's own work.
        var after = server.DescriptorKinds();
        var difference = ServerUnderLoad.Difference(quietKinds, after);
        Assert.True(ServerUnderLoad.Unpooled(after) <= ServerUnderLoad.Unpooled(quietKinds) + 5, $"descriptors {quietDescriptors} → {settled}: {difference}");
        Assert.All(after.Where(kind => ServerUnderLoad.IsPooled(kind.Key)), pool => Assert.True(pool.Value <= clients + 16, $"{pool.Key}: {pool.Value} open for {clients} clients ({difference})"));
    }

    private sealed record World(List<(string Id, byte[] Content)> Files, string TranscriptId, ConcurrentDictionary<string, string> RenditionHashes);

    private sealed class Tally
    {
        public int Operations;
        public int Downloads;
        public int Uploads;
        public int Renditions;
        public long UploadedBytes;

        public ConcurrentQueue<string> Errors { get; } = new();

        public ConcurrentBag<double> DownloadTtfbMs { get; } = [];
    }

    private static async Task<World> SeedAsync(Uri server)
    {
        using var admin = Cluster.Client(server, Cluster.AdminKey);
        await admin.CreateDocumentAsync(new { id = "served" });
        var random = new Random(5);
        var files = new List<(string, byte[])>();
        for (var i = 0; i < 12; i++)
        {
            var content = NativeApi.Bytes(Size(random), seed: 100 + i);
            files.Add(((await admin.UploadAsync("served", content, $"f{i}.bin", slot: $"s{i}")).Str("id"), content));
        }

        await admin.CreateDocumentAsync(new { id = "depo", kind = "transcript", properties = new Dictionary<string, string> { ["witness"] = "A. Witness" } });
        var transcript = await admin.UploadAsync("depo", TranscriptJson(), "depo.json");
        return new World(files, transcript.Str("id"), new ConcurrentDictionary<string, string>());
    }

    /// <summary>A few pages of questions and answers, so that each rendition does real work.</summary>
    private static byte[] TranscriptJson()
    {
        var monologues = Enumerable.Range(0, 120).Select(i => new
        {
            speaker = (i % 2) + 1,
            monologue_type = i % 2 == 0 ? "question" : "answer",
            elements = new[] { new { type = "text", value = $"Line {i}: where were you on the evening of the {i % 28 + 1}th, and who was with you?" } },
        });
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            speakers = new[] { new { id = 1, name = "Counsel" }, new { id = 2, name = "Witness" } },
            monologues,
        });
    }

    /// <summary>Log-uniform from 1 KiB to 8 MiB: every order of magnitude as likely as the next.</summary>
    private static int Size(Random random) => (int)Math.Exp(Math.Log(MinSize) + (random.NextDouble() * (Math.Log(MaxSize) - Math.Log(MinSize))));

    private static async Task<Tally> RunPhaseAsync(Uri server, World world, int clients, TimeSpan length)
    {
        var tally = new Tally();
        // A client per phase, disposed at its end, so that no connection of the test's stays open on the server.
        using var client = Cluster.Client(server, Cluster.AdminKey);
        var deadline = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(n => Task.Run(async () =>
        {
            var random = new Random((n * 7919) + (int)length.TotalSeconds);
            var document = $"up-{n}-{Guid.NewGuid():N}";
            await client.CreateDocumentAsync(new { id = document });
            while (deadline.Elapsed < length && !Token.IsCancellationRequested)
            {
                var pick = random.NextDouble();
                try
                {
                    var error = pick < 0.6 ? await DownloadAsync(client, world, random, tally)
                        : pick < 0.9 ? await UploadAsync(client, document, random, tally)
                        : await RenditionAsync(client, world, random, tally);
                    if (error is not null)
                    {
                        tally.Errors.Enqueue(error);
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException && !Token.IsCancellationRequested)
                {
                    tally.Errors.Enqueue(exception.GetType().Name + ": " + exception.Message);
                }

                Interlocked.Increment(ref tally.Operations);
            }
        })));
        return tally;
    }

    private static async Task<string?> DownloadAsync(HttpClient client, World world, Random random, Tally tally)
    {
        var (id, content) = world.Files[random.Next(world.Files.Count)];
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{id}/content");
        var ranged = random.Next(3) == 0;
        var from = ranged ? random.Next(content.Length) : 0;
        var to = ranged ? Math.Min(content.Length - 1, from + random.Next(1, 256 * 1024)) : content.Length - 1;
        if (ranged)
        {
            request.Headers.Range = new RangeHeaderValue(from, to);
        }

        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);
        tally.DownloadTtfbMs.Add(clock.Elapsed.TotalMilliseconds);
        var body = await response.Content.ReadAsByteArrayAsync(Token);
        Interlocked.Increment(ref tally.Downloads);
        var expected = ranged ? HttpStatusCode.PartialContent : HttpStatusCode.OK;
        return response.StatusCode != expected ? $"download {id} {(ranged ? $"bytes={from}-{to}" : "whole")}: {(int)response.StatusCode}"
            : !body.AsSpan().SequenceEqual(content.AsSpan(from, to - from + 1)) ? $"download {id} {from}-{to}: other bytes"
            : null;
    }

    private static async Task<string?> UploadAsync(HttpClient client, string document, Random random, Tally tally)
    {
        var content = new byte[Size(random)];
        random.NextBytes(content);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        using var response = await client.PutFileAsync(document, content, "up.bin", configure: request => request.Headers.Add("x-attache-sha256", sha256));
        Interlocked.Increment(ref tally.Uploads);
        Interlocked.Add(ref tally.UploadedBytes, content.Length);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return $"upload of {content.Length} bytes: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Token)}";
        }

        var stored = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        return stored.Str("sha256") == sha256 && stored.GetProperty("size").GetInt64() == content.Length ? null : $"upload of {content.Length} bytes: stored as {stored}";
    }

    private static async Task<string?> RenditionAsync(HttpClient client, World world, Random random, Tally tally)
    {
        var (accept, mediaType, magic) = Renditions[random.Next(Renditions.Length)];
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{world.TranscriptId}/content");
        request.Headers.Accept.ParseAdd(accept);
        using var response = await client.SendAsync(request, Token);
        var body = await response.Content.ReadAsByteArrayAsync(Token);
        Interlocked.Increment(ref tally.Renditions);
        if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != mediaType || !body.AsSpan().StartsWith(magic))
        {
            return $"rendition {accept}: {(int)response.StatusCode} {response.Content.Headers.ContentType}";
        }

        // The same transcript renders to the same bytes every time.
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        var first = world.RenditionHashes.GetOrAdd(accept, hash);
        return first == hash ? null : $"rendition {accept}: {hash}, earlier {first}";
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private static double Median(IEnumerable<double> values) => Percentile.Of(values.ToList(), 50);

    /// <summary>Least-squares slope of the samples, in MiB per minute.</summary>
    private static double SlopePerMinute(List<(double Seconds, double MiB)> samples)
    {
        if (samples.Count < 2)
        {
            return 0;
        }

        var meanT = samples.Average(s => s.Seconds);
        var meanM = samples.Average(s => s.MiB);
        var slope = samples.Sum(s => (s.Seconds - meanT) * (s.MiB - meanM)) / samples.Sum(s => (s.Seconds - meanT) * (s.Seconds - meanT));
        return slope * 60;
    }
}
