using System.Diagnostics;
using System.Globalization;
using Xunit.Sdk;
using Attache.Server.Tests.ScaleOut;

namespace Attache.Server.Tests.Reliability.Crash;

/// <summary>
/// A stop request (SIGTERM, as from systemd or a container runtime) that arrives while the server is still starting
/// ends the process cleanly, not with an unhandled cancellation that aborts it.
/// </summary>
[Collection(nameof(CrashLoops))]
public sealed class StopDuringStartTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sigterm_while_the_storage_starts_ends_the_process_with_exit_code_zero()
    {
        var server = Cluster.ServerAssembly()
            ?? throw SkipException.ForSkip("the test needs the built Attache.Server.dll under artifacts/bin/Attache.Server.");

        var folder = Path.Combine(Path.GetTempPath(), "attache-stop-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(server)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(server);
        start.Environment["Attache__DataPath"] = folder;
        start.Environment["Urls"] = $"http://127.0.0.1:{Cluster.FreePort()}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        try
        {
            var errors = process.StandardError.ReadToEndAsync(Token);
            var output = new List<string>();
            // The first migration is logged from a hosted service's start: the host is starting, not yet started.
            while (await process.StandardOutput.ReadLineAsync(Token) is { } line)
            {
                output.Add(line);
                if (line.Contains("Migrated the metadata database", StringComparison.Ordinal))
                {
                    using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                    await term.WaitForExitAsync(Token);
                    break;
                }
            }

            output.Add(await process.StandardOutput.ReadToEndAsync(Token));
            await process.WaitForExitAsync(Token).WaitAsync(TimeSpan.FromSeconds(60), Token);
            var log = string.Join('\n', output) + await errors;
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{log}");
            Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }

            Directory.Delete(folder, recursive: true);
        }
    }
}
