using System.Text;
using CsCheck;

namespace Attache.Server.Tests.Reliability.Generated;

/// <summary>
/// G1 of the reliability goals: at least 20,000 generated requests per run over ids, file names, Range and conditional
/// headers, multipart bodies and every dialect's paths, each with a good or a bad credential. Every answer is below 500
/// and carries no canary's marker (no generated caller may read a canary); at the end the server logged no error, every
/// canary is intact, and no file bearing a generated name exists anywhere a name could have been joined to a path.
/// </summary>
/// <remarks>
/// Why a listing and not a watcher: a name reaches the file system only if code joins it to a folder. Every generated
/// name carries <see cref="GeneratedWorld.NameToken"/>, and the folders a join could land in are the data folder (and
/// every folder under it), the working and binary folders, each of their ancestors and the places absolute names point
/// at (<c>/</c>, <c>/tmp</c>, <c>/etc</c>). <see cref="NameSightings"/> lists them to two levels and finds any entry whose
/// name holds the token; the data folder is searched whole, since stored bytes live under their hash, never a name.
/// </remarks>
[Collection(nameof(GeneratedInput))]
public sealed class GeneratedRequestTests(GeneratedWorld world) : IClassFixture<GeneratedWorld>
{
    /// <summary>Requests per generator; five generators make 20,500 requests.</summary>
    private const int PerGenerator = 4_100;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Generator, int Status), int> Statuses = new();

    private static int _sent;

    [Fact]
    public async Task G1_generated_requests_answer_below_500_leak_no_canary_and_write_nothing_outside_the_store()
    {
        var generators = new Generators(world);
        var (client, watch) = LeakWatch.Client(world.App, world.Canaries);
        var before = NameSightings(world.App.DataPath);
        Assert.Empty(before);

        foreach (var (name, gen) in new[]
                 {
                     ("ids", generators.IdProbe), ("ranges and conditionals", generators.RangeProbe), ("file names", generators.NameProbe),
                     ("multipart", generators.MultipartProbe), ("dialect paths", generators.DialectProbe),
                 })
        {
            await generators.WithCredentials(gen).SampleAsync(probe => SendAsync(client, name, probe), iter: PerGenerator, threads: 2, seed: Environment.GetEnvironmentVariable("ATTACHE_GENERATED_SEED"),
                writeLine: line => TestContext.Current.SendDiagnosticMessage($"{name}: {line}"));
        }

        var histogram = string.Join("; ", Statuses.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key.Generator} {pair.Key.Status}: {pair.Value}"));
        TestContext.Current.SendDiagnosticMessage(histogram);
        Assert.True(_sent >= 20_000, $"{_sent} requests sent");

        // Each generator must mostly get past authentication, and sometimes all the way, to reach what it means to test.
        Assert.All(Statuses.Keys.Select(key => key.Generator).Distinct(), generator =>
        {
            var answers = Statuses.Where(pair => pair.Key.Generator == generator).ToList();
            Assert.True(answers.Where(pair => pair.Key.Status != 401).Sum(pair => pair.Value) * 2 > PerGenerator, $"{generator}: mostly 401 in {histogram}");
            Assert.True(answers.Any(pair => pair.Key.Status < 300), $"{generator}: no success in {histogram}");
        });
        Assert.Empty(watch.Leaks);
        Assert.Equal(_sent, watch.Searched);
        Assert.Empty(world.App.Errors.Select(error => error.Message + " " + error.Exception));
        Assert.Empty(NameSightings(world.App.DataPath));
        await AssertCanariesIntactAsync();
    }

    private static async Task SendAsync(HttpClient client, string generator, Probe probe)
    {
        using var request = probe.ToRequest();
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Interlocked.Increment(ref _sent);
        Statuses.AddOrUpdate((generator, (int)response.StatusCode), 1, (_, count) => count + 1);
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {probe}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }

    private async Task AssertCanariesIntactAsync()
    {
        using var admin = world.App.CreateAdminClient();
        foreach (var canary in world.Canaries)
        {
            var bytes = await admin.GetByteArrayAsync($"/v1/files/{canary.FileId}/content", TestContext.Current.CancellationToken);
            Assert.Equal(Encoding.ASCII.GetString(Canary.ContentOf(canary.Marker)), Encoding.ASCII.GetString(bytes));
        }
    }

    /// <summary>Every path, in the folders a joined name could land in, whose name holds the token of generated names.</summary>
    internal static List<string> NameSightings(string dataPath)
    {
        var found = new List<string>();
        var roots = new HashSet<string>(StringComparer.Ordinal) { "/", "/tmp", "/etc", Path.GetTempPath(), Environment.CurrentDirectory, AppContext.BaseDirectory };
        foreach (var start in new[] { dataPath, Environment.CurrentDirectory, AppContext.BaseDirectory, Path.GetTempPath() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                roots.Add(folder.FullName);
            }
        }

        foreach (var root in roots)
        {
            Search(root, depth: root == "/" ? 1 : 2, found);
        }

        Search(dataPath, depth: int.MaxValue, found);
        return found;
    }

    private static void Search(string folder, int depth, List<string> found)
    {
        IEnumerable<string> entries;
        try
        {
            entries = [.. Directory.EnumerateFileSystemEntries(folder)];
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var entry in entries)
        {
            if (Path.GetFileName(entry).Contains(GeneratedWorld.NameToken, StringComparison.Ordinal))
            {
                found.Add(entry);
            }

            if (depth > 1 && Directory.Exists(entry) && !File.GetAttributes(entry).HasFlag(FileAttributes.ReparsePoint))
            {
                Search(entry, depth - 1, found);
            }
        }
    }
}

/// <summary>The generated-input run is the heaviest test in the suite; it runs alone so its time stays predictable.</summary>
[CollectionDefinition(nameof(GeneratedInput), DisableParallelization = true)]
public sealed class GeneratedInput;
