using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Attache.Storage.Blobs;

/// <summary>
/// fsync through libc. The runtime's own FileStream.Flush(true) and RandomAccess.FlushToDisk ignore fsync's result on
/// Linux (a precedence bug in System.Native), so a failed write-back would be reported as durable.
/// </summary>
internal static partial class Durability
{
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;

    // O_DIRECTORY is not the same number on every Linux architecture.
    private static readonly int Directory = RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64
        ? 0x4000
        : 0x10000;

    public static void Fsync(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            Fsync(checked((int)handle.DangerousGetHandle()));
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    public static void Fsync(int descriptor)
    {
        int result;
        do
        {
            result = NativeFsync(descriptor);
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == Errno.Interrupted);

        if (result < 0)
        {
            throw Failed("fsync", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Makes a directory's entries (a rename into it, a new subfolder) durable.</summary>
    public static void FsyncDirectory(string path)
    {
        var descriptor = NativeOpen(path, ReadOnly | Directory | CloseOnExec);
        if (descriptor < 0)
        {
            throw Failed($"open of directory '{path}'", Marshal.GetLastPInvokeError());
        }

        try
        {
            Fsync(descriptor);
        }
        finally
        {
            _ = NativeClose(descriptor);
        }
    }

    private static IOException Failed(string operation, int errno) =>
        new($"{operation} failed with errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int NativeFsync(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeOpen(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int NativeClose(int fd);

    private static class Errno
    {
        public const int Interrupted = 4;
    }
}
