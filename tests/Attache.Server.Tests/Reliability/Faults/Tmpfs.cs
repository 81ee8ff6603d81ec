using System.Diagnostics;
using System.Globalization;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>A size-limited tmpfs mounted on a folder (root only), that can be filled to the last byte and freed again.</summary>
internal sealed class Tmpfs : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _filler;

    private Tmpfs(string folder)
    {
        _folder = folder;
        _filler = Path.Combine(folder, "filler");
    }

    /// <summary>Why no tmpfs can be mounted here, or null.</summary>
    public static string? MissingPart() =>
        OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess
            ? null
            : "the disk-full tests mount a size-limited tmpfs, which needs root on Linux (CI runs as root).";

    public static async Task<Tmpfs> MountAsync(string folder, int megabytes)
    {
        Directory.CreateDirectory(folder);
        await RunAsync("mount", "-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={megabytes}m,mode=0755"), "tmpfs", folder);
        return new Tmpfs(folder);
    }

    public long FreeBytes => new DriveInfo(_folder).AvailableFreeSpace;

    /// <summary>Fills the file system until no more than <paramref name="leaveBytes"/> are free (0: until a write fails).</summary>
    public void Fill(long leaveBytes)
    {
        var chunk = new byte[64 * 1024];
        using var filler = new FileStream(_filler, FileMode.Append, FileAccess.Write, FileShare.None, 0);
        try
        {
            while (FreeBytes > leaveBytes)
            {
                filler.Write(chunk, 0, (int)Math.Min(chunk.Length, Math.Max(4096, FreeBytes - leaveBytes)));
            }
        }
        catch (IOException) when (leaveBytes == 0)
        {
            // Full to the last block.
        }
    }

    public void Free() => File.Delete(_filler);

    public async ValueTask DisposeAsync()
    {
        // Lazy: a file the server still holds open must not keep the mount alive.
        await RunAsync("umount", "-l", _folder);
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }
}
