using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Attache.Server.Tests.ScaleOut;

namespace Attache.Server.Tests.Reliability.Crash;

/// <summary>
/// Case 49: the real server process is killed with SIGKILL at random points while several clients upload, and started
/// again, <see cref="Kills"/> times. After every restart nothing acknowledged is lost, nothing torn is served, the
/// start-up sweep left no staging file, temporary file, unreferenced blob or in-progress row, and (SQLite) the database
/// file passes <c>PRAGMA integrity_check</c> while the server is down.
/// </summary>
[Collection(nameof(CrashLoops))]
public sealed class KillDuringUploadTests
{
    /// <summary>Overrides the number of kills, e.g. 2000 for the long run (scripts/crash-soak).</summary>
    public const string KillsVariable = "ATTACHE_CRASH_KILLS";

    /// <summary>Replays a run: the seed is printed with every result.</summary>
    public const string SeedVariable = "ATTACHE_CRASH_SEED";

    /// <summary>A file the one-line summary of the run is appended to (scripts/crash-soak sets it).</summary>
    public const string ReportVariable = "ATTACHE_CRASH_REPORT";

    private const int Uploaders = 3;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// What <see cref="KillsVariable"/> says, else 100; 50 on S3, where every start and upload costs more round trips, to
    /// keep that CI pass near five minutes.
    /// </summary>
    private static int Kills =>
        int.TryParse(Environment.GetEnvironmentVariable(KillsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var kills) && kills > 0
            ? kills
            : S3Blobs.Requested ? 50 : 100;

    [Fact]
    public async Task H49_kill_9_at_random_points_during_uploads_loses_nothing_acknowledged_and_leaves_nothing_behind()
    {
        if (CrashStore.MissingPart() is { } missing)
        {
            Assert.Skip(missing);
        }

        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var given)
            ? given
            : Random.Shared.Next();
        var random = new Random(seed);
        await using var store = new CrashStore();
        var run = new CrashRun(store, seed);
        var clock = Stopwatch.StartNew();

        var node = await store.StartAsync(Token);
        var chatCookie = await PrepareAsync(node);

        for (var kill = 0; kill < Kills; kill++)
        {
            var uploaders = Enumerable.Range(0, Uploaders).Select(n => new CrashUploader(n, new Random(random.Next()), node.Address, chatCookie)).ToList();
            using var stop = new CancellationTokenSource();
            var running = uploaders.Select(u => u.RunAsync(stop.Token)).ToList();
            await Task.Delay(random.Next(20, 1500), Token);
            await node.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(running);
            await node.StopAsync();
            run.Count(uploaders);
            if (CrashStore.UsesSqlite)
            {
                run.Integrity(await store.IntegrityCheckAsync(Token));
            }

            node = await store.StartAsync(Token);
            await run.CheckAsync(node, uploaders.SelectMany(u => u.Acknowledged), Token);
        }

        // Everything acknowledged over the whole run, once more, from the last start.
        await run.CheckAsync(node, run.Acknowledged, Token);
        await node.StopAsync();
        if (CrashStore.UsesSqlite)
        {
            run.Integrity(await store.IntegrityCheckAsync(Token));
        }

        var summary = run.Summary(Kills, clock.Elapsed);
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        if (Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } report)
        {
            await File.AppendAllTextAsync(report, summary + Environment.NewLine, Token);
        }
        Assert.True(run.Problems.Count == 0, summary + Environment.NewLine + string.Join(Environment.NewLine, run.Problems.Take(20)));
        Assert.True(run.Acknowledged.Count >= Kills, $"Too few uploads were acknowledged to mean anything. {summary}");
    }

    /// <summary>
    /// The native uploads' document, and the chat message with a user signed in (the session is stored, so its cookie
    /// outlives every restart); answers the cookie.
    /// </summary>
    private static async Task<string> PrepareAsync(Cluster.Node node)
    {
        using var admin = Cluster.Client(node.Address, Cluster.AdminKey);
        using (var created = await admin.PostAsJsonAsync("v1/documents", new { id = CrashStore.DocumentId, title = "crash" }, Token))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var created = await admin.PostAsJsonAsync("v1/documents", new { id = CrashStore.MessageId, kind = "message", title = "message" }, Token))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var user = new { name = CrashStore.ChatUser, password = CrashStore.ChatPassword, groups = new[] { "admin" } };
        using (var created = await admin.PostAsJsonAsync("v1/principals", user, Token))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var client = Cluster.Client(node.Address);
        using var session = await client.PostAsJsonAsync("v1/sessions", new { name = CrashStore.ChatUser, password = CrashStore.ChatPassword }, Token);
        Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        return session.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    /// <summary>What a crash run found so far.</summary>
    private sealed class CrashRun(CrashStore store, int seed)
    {
        private readonly HashSet<string> _checkedVersions = new(StringComparer.Ordinal);
        private int _unanswered;
        private int _integrityChecks;
        private int _orphans;
        private int _lost;
        private int _torn;

        public List<AcknowledgedUpload> Acknowledged { get; } = [];

        public List<string> Problems { get; } = [];

        public void Count(IEnumerable<CrashUploader> uploaders)
        {
            foreach (var uploader in uploaders)
            {
                Acknowledged.AddRange(uploader.Acknowledged);
                _unanswered += uploader.Unanswered;
                Problems.AddRange(uploader.Refused.Select(r => "refused while up: " + r));
            }
        }

        public void Integrity(string result)
        {
            _integrityChecks++;
            if (result != "ok")
            {
                Problems.Add("integrity_check: " + result);
            }
        }

        /// <summary>
        /// (a) the acknowledged uploads read back byte-exact; (b, c) every version not yet checked reads back with its
        /// recorded size and hash; (d) no leftovers after the start-up sweep.
        /// </summary>
        public async Task CheckAsync(Cluster.Node node, IEnumerable<AcknowledgedUpload> acknowledged, CancellationToken cancellationToken)
        {
            using var client = Cluster.Client(node.Address, Cluster.AdminKey);
            foreach (var upload in acknowledged)
            {
                var (fileId, version) = (upload.FileId, upload.Version);
                if (upload.ChatFileName is { } chatFileName && await store.ChatFileAsync(chatFileName, cancellationToken) is { } chatFile)
                {
                    fileId = chatFile.Split('/')[0];
                    version = int.Parse(chatFile.Split('/')[1], CultureInfo.InvariantCulture);
                }

                var read = fileId is null ? (-1, "no file") : await ReadAsync(client, fileId, version, cancellationToken);
                if (read != (upload.Size, upload.Sha256))
                {
                    _lost++;
                    Problems.Add($"acknowledged {upload} reads back as {read}");
                }
            }

            foreach (var version in await store.VersionsAsync(cancellationToken))
            {
                if (!_checkedVersions.Add(version))
                {
                    continue;
                }

                var parts = version.Split('/');
                var read = await ReadAsync(client, parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), cancellationToken);
                if (read != (long.Parse(parts[2], CultureInfo.InvariantCulture), parts[3]))
                {
                    _torn++;
                    Problems.Add($"version {version} reads back as {read}");
                }
            }

            var referenced = await store.ReferencedKeysAsync(cancellationToken);
            var leftovers = (await store.BlobKeysAsync()).Where(key => !referenced.Contains(Path.GetFileName(key))).Select(key => "unreferenced blob " + key)
                .Concat((await store.StagingLeftoversAsync()).Select(path => "staging leftover " + path))
                .Concat(store.TemporaryFiles().Select(path => "temporary file " + path))
                .Concat((await store.InProgressFilesAsync(cancellationToken)).Select(row => "in-progress row " + row))
                .ToList();
            _orphans += leftovers.Count;
            Problems.AddRange(leftovers);
        }

        public string Summary(int kills, TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture,
            $"crash run on {store.Describe}, seed {seed}: {kills} kills, {Acknowledged.Count} uploads acknowledged, {_unanswered} cut off by a kill, " +
            $"start-up sweeps removed {store.SweptSoFar().Blobs} unreferenced blobs and {store.SweptSoFar().Uploads} unfinished uploads and failed {store.SweptSoFar().InProgress} in-progress files, " +
            $"{_checkedVersions.Count} versions read back, {_lost} acknowledged lost, {_torn} torn, {_orphans} leftovers, " +
            $"{_integrityChecks} integrity checks ({Problems.Count(p => p.StartsWith("integrity", StringComparison.Ordinal))} failed), {elapsed.TotalSeconds:F0} s");

        /// <summary>The size and SHA-256 of a version's bytes as served, or the status when it is not served.</summary>
        private static async Task<(long Size, string Sha256)> ReadAsync(HttpClient client, string fileId, int version, CancellationToken cancellationToken)
        {
            using var response = await client.GetAsync($"v1/files/{fileId}/versions/{version}/content", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (-1, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[128 * 1024];
            long size = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                size += read;
            }

            return (size, Convert.ToHexStringLower(sha256.GetHashAndReset()));
        }
    }
}
