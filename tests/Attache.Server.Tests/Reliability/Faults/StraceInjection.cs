using System.Diagnostics;
using System.Globalization;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>
/// strace attached to a running process (every thread) that makes one system call fail: the
/// <c>when</c>-th call of <c>syscall</c> after the attach answers <c>error</c>, confined with <c>-P</c> to calls on
/// exact paths when some are given. Detaching (SIGINT to strace, by its id) leaves the process running unharmed.
/// </summary>
internal sealed class StraceInjection : IAsyncDisposable
{
    private readonly Process _strace;
    private readonly string _log;
    private bool _detached;

    private StraceInjection(Process strace, string log)
    {
        _strace = strace;
        _log = log;
    }

    /// <summary>Why strace cannot inject here, or null.</summary>
    public static string? MissingPart() =>
        OperatingSystem.IsLinux() && File.Exists("/usr/bin/strace")
            ? null
            : "the I/O error tests need strace (Debian package strace) on Linux; .ci/run installs it.";

    public static async Task<StraceInjection> AttachAsync(
        int processId, string syscall, string error, int when, string log, IEnumerable<string>? paths, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/usr/bin/strace") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     "-f", "-ttt", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", log, "-e", "trace=" + syscall,
                     "-e", string.Create(CultureInfo.InvariantCulture, $"inject={syscall}:error={error}:when={when}"),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var path in paths ?? [])
        {
            start.ArgumentList.Add("-P");
            start.ArgumentList.Add(path);
        }

        var strace = Process.Start(start) ?? throw new InvalidOperationException("strace did not start");
        var injection = new StraceInjection(strace, log);
        // strace says "Process N attached" once every thread is stopped and traced; injection counts from then.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            while (await strace.StandardError.ReadLineAsync(limit.Token) is { } line)
            {
                if (line.Contains(" attached", StringComparison.Ordinal))
                {
                    _ = strace.StandardError.ReadToEndAsync(CancellationToken.None);
                    return injection;
                }
            }
        }
        catch
        {
            await injection.DisposeAsync();
            throw;
        }

        await injection.DisposeAsync();
        throw new InvalidOperationException($"strace could not attach to {processId} (is ptrace allowed here?)");
    }

    /// <summary>Detaches; the process goes on untraced.</summary>
    public async Task DetachAsync()
    {
        if (!_detached)
        {
            _detached = true;
            if (!_strace.HasExited)
            {
                using var interrupt = Process.Start("kill", ["-INT", _strace.Id.ToString(CultureInfo.InvariantCulture)]);
                await interrupt.WaitForExitAsync();
            }

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _strace.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                _strace.Kill();
                await _strace.WaitForExitAsync();
            }
        }
    }

    /// <summary>The calls in strace's log (<c>-ttt</c>: pid, then seconds since the epoch) failed by injection before <paramref name="moment"/>.</summary>
    public static List<string> InjectedBefore(string log, DateTimeOffset moment) =>
        File.Exists(log)
            ? File.ReadLines(log).Where(line => line.Contains("(INJECTED)", StringComparison.Ordinal)
                                                && line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries) is [_, var seconds, _]
                                                && double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var at)
                                                && DateTimeOffset.FromUnixTimeMilliseconds((long)(at * 1000)) <= moment).ToList()
            : [];

    public async ValueTask DisposeAsync()
    {
        await DetachAsync();
        _strace.Dispose();
    }
}
