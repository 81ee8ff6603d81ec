using Attache.Storage.Blobs;

namespace Attache.Storage;

/// <summary>Small files that must survive a crash whole or not at all, such as key material.</summary>
public static class DurableFile
{
    /// <summary>
    /// Writes <paramref name="contents"/> to a temporary file readable only by its owner, fsyncs it (errors checked),
    /// renames it over <paramref name="path"/> and fsyncs the folder, so a crash leaves the old file or the new one.
    /// </summary>
    public static void WriteAllText(string path, string contents)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, options))
        {
            file.Write(System.Text.Encoding.UTF8.GetBytes(contents));
            file.Flush();
            Durability.Fsync(file.SafeFileHandle);
        }

        File.Move(temporary, path, overwrite: true);
        Durability.FsyncDirectory(folder);
    }
}
