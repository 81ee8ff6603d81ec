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
        var findings = Path.Combine(work.Path, "findings", target, "default");
        var stats = Stats(Path.Combine(findings, "fuzzer_stats"));
        Assert.True(stats.Count > 0, $"afl-fuzz left no statistics:\n{report}");

        // A crash (an exception escaping the target) or a hang (longer than fuzz/run's 10 s limit) counts when it
        // happens again with the input run alone through the uninstrumented harness. The multipart target works on a
        // real store, whose answers a busy machine can change (a disk stalled past SQLite's busy timeout is a 503), so
        // one that does not recur is reported with what was thrown, not failed.
        var crashLog = File.Exists(Path.Combine(work.Path, $"{target}.crashes.log"))
            ? await File.ReadAllTextAsync(Path.Combine(work.Path, $"{target}.crashes.log"), TestContext.Current.CancellationToken)
            : "(nothing was recorded)";
        crashLog = crashLog.Length <= 4000 ? crashLog : crashLog[..4000] + "\n…";
        foreach (var input in Inputs(findings, "crashes").Concat(Inputs(findings, "hangs")))
        {
            var replay = Stopwatch.StartNew();
            var (recurred, answer) = await ReplayAsync(target, input);
            Assert.False(recurred, $"{input} fails again when run alone:\n{answer}\nUnder afl-fuzz:\n{crashLog}\n{report}");
            Assert.True(replay.Elapsed < HangLimit, $"{input} still took {replay.Elapsed.TotalSeconds:F1} s alone:\n{answer}\n{report}");
            TestContext.Current.SendDiagnosticMessage($"{input} failed under afl-fuzz but not alone ({replay.Elapsed.TotalMilliseconds:F0} ms): {answer}\n{crashLog}");
        }

        // The fork server's start (the runtime, and the target's set-up) comes out of the run's time: allow it 10 s.
        var execs = long.Parse(stats["execs_done"], CultureInfo.InvariantCulture);
        var expected = MinExecsPerSecond * Math.Max(1, seconds - 10);
        Assert.True(execs >= expected, $"only {execs} inputs in {seconds} s (at least {expected} expected):\n{report}");
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>fuzz/run's own hang limit (afl-fuzz -t 10000).</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    private static string[] Inputs(string findings, string kind)
    {
        var folder = Path.Combine(findings, kind);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "id:*") : [];
    }

    /// <summary>Runs the harness built beside these tests (not the instrumented copy) once over the input, with a fresh store.</summary>
    private static async Task<(bool Failed, string Answer)> ReplayAsync(string target, string input)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[Path.Combine(HarnessFolder, "Attache.Fuzz.dll"), target, input])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(HangLimit * 3);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return (true, "(the replay did not finish)");
        }

        return (process.ExitCode != 0, await output + await errors);
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
