using System.Diagnostics;
using System.Globalization;

namespace Attache.Fuzz.Tests;

[CollectionDefinition(nameof(AflFuzzTests), DisableParallelization = true)]
public sealed class AflFuzzRuns;

/// <summary>
/// Each harness under afl-fuzz through fuzz/run for <see cref="SecondsVariable"/> seconds (60 by default): no crash, no
/// hang, and enough inputs actually executed that the run means something. The harness is the one built beside these
/// tests, copied and instrumented once for the whole class. Alone in its collection: afl-fuzz keeps a core busy.
/// </summary>
[Collection(nameof(AflFuzzTests))]
public sealed class AflFuzzTests(AflWorkFolder work)
    : IClassFixture<AflWorkFolder>
{
    public const string SecondsVariable = "ATTACHE_FUZZ_SECONDS";

    /// <summary>Far below what each target does here (hundreds of inputs a second at the slowest), far above a harness that stalls.</summary>
    private const long MinExecsPerSecond = 20;

    public static TheoryData<string> Targets => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Fuzzing_finds_no_crash_and_no_hang(string target)
    {
        Assert.SkipWhen(AflFuzz() is null, "afl-fuzz is not installed (apt-get install afl++); CI installs it.");
        var seconds = int.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), CultureInfo.InvariantCulture, out var s) ? s : 60;
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                Path.Combine(RepositoryRoot, "fuzz", "run"), "--target", target, "--seconds", seconds.ToString(CultureInfo.InvariantCulture),
                "--work", work.Path, "--bin", HarnessFolder, "--findings", Path.Combine(work.Path, "kept"),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds + 300));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var report = await output + await errors;
        TestContext.Current.SendDiagnosticMessage(report);
        var stats = Stats(Path.Combine(work.Path, "findings", target, "default", "fuzzer_stats"));
        Assert.True(stats.Count > 0, $"afl-fuzz left no statistics:\n{report}");
        Assert.Equal("0", stats["saved_crashes"]);
        Assert.Equal("0", stats["saved_hangs"]);
        var execs = long.Parse(stats["execs_done"], CultureInfo.InvariantCulture);
        Assert.True(execs >= MinExecsPerSecond * seconds, $"only {execs} inputs in {seconds} s:\n{report}");
        Assert.Equal(0, process.ExitCode);
    }

    private static Dictionary<string, string> Stats(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Select(line => line.Split(':', 2)).Where(parts => parts.Length == 2)
                .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal)
            : [];

    private static string? AflFuzz() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, "afl-fuzz")).FirstOrDefault(File.Exists);

    private static string RepositoryRoot
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Attache.slnx")))
            {
                folder = folder.Parent;
            }

            return folder?.FullName ?? throw new InvalidOperationException("These tests run from a build inside the repository.");
        }
    }

    /// <summary>The harness built beside these tests: artifacts/bin/Attache.Fuzz/&lt;configuration&gt;.</summary>
    private static string HarnessFolder
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(testOutput.Parent!.Parent!.FullName, "Attache.Fuzz", testOutput.Name);
        }
    }
}

/// <summary>One scratch folder for the class: the instrumented copy of the harness is made once and shared.</summary>
public sealed class AflWorkFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("attache-afl-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
