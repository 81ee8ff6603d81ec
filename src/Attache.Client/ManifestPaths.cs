using System.Text.Json;

namespace Attache.Client;

/// <summary>
/// Finds the <c>path</c> contents of an import manifest and resolves them against the manifest's folder, refusing any
/// that is absolute or leads out of that folder, so that a manifest can never make the client send other files.
/// </summary>
internal static class ManifestPaths
{
    /// <summary>Every distinct <c>documents[].files[].content.path</c> string, in manifest order; none when the JSON is unreadable.</summary>
    public static IReadOnlyList<string> Find(ReadOnlyMemory<byte> manifest)
    {
        var paths = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(manifest);
        }
        catch (JsonException)
        {
            return paths; // the server reports what is wrong with it
        }

        using (document)
        {
            foreach (var file in Items(document.RootElement, "documents").SelectMany(d => Items(d, "files")))
            {
                if (file.ValueKind == JsonValueKind.Object && file.TryGetProperty("content", out var content)
                    && content.ValueKind == JsonValueKind.Object && content.TryGetProperty("path", out var path)
                    && path.ValueKind == JsonValueKind.String && !paths.Contains(path.GetString()!, StringComparer.Ordinal))
                {
                    paths.Add(path.GetString()!);
                }
            }
        }

        return paths;
    }

    /// <summary>
    /// Real paths (every symbolic link on the way followed) for each manifest path, and a sentence for each one refused:
    /// a path is refused when its text or its real path leaves the real path of <paramref name="folder"/>.
    /// </summary>
    public static (IReadOnlyList<KeyValuePair<string, string>> Resolved, IReadOnlyList<string> Refused) Resolve(string folder, IEnumerable<string> paths)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        var realRoot = Path.TrimEndingDirectorySeparator(RealPath(root) ?? root) + Path.DirectorySeparatorChar;
        var resolved = new List<KeyValuePair<string, string>>();
        var refused = new List<string>();
        foreach (var path in paths)
        {
            var portable = path.Replace('\\', '/');
            if (portable.Length == 0 || Path.IsPathRooted(portable) || portable.StartsWith('/') || (portable.Length > 1 && portable[1] == ':'))
            {
                refused.Add($"'{path}' is absolute; paths are relative to the manifest's folder");
                continue;
            }

            var full = Path.GetFullPath(Path.Combine(root, portable));
            if (!full.StartsWith(root, StringComparison.Ordinal))
            {
                refused.Add($"'{path}' leads out of the manifest's folder {root}");
                continue;
            }

            var real = RealPath(full);
            if (real is null)
            {
                refused.Add($"'{path}' goes through a symbolic link that cannot be followed ({full})");
            }
            else if (!real.StartsWith(realRoot, StringComparison.Ordinal))
            {
                refused.Add($"'{path}' leads out of the manifest's folder {root} through a symbolic link (to {real})");
            }
            else if (!File.Exists(real))
            {
                refused.Add($"'{path}' does not exist ({full})");
            }
            else
            {
                // The real path is what is opened, so what was checked is what is sent.
                resolved.Add(new KeyValuePair<string, string>(path, real));
            }
        }

        return (resolved, refused);
    }

    /// <summary>
    /// <paramref name="fullPath"/> with each component that is a symbolic link (the file's and every folder's on the
    /// way) replaced by the real path of its final target; null for a link loop or a chain too long to follow.
    /// </summary>
    internal static string? RealPath(string fullPath, int depth = 0)
    {
        const int maxLinks = 40; // as Linux's limit on links followed in one lookup
        if (depth > maxLinks)
        {
            return null;
        }

        var current = Path.GetPathRoot(fullPath) ?? "";
        foreach (var name in fullPath[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, name);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is not null)
            {
                FileSystemInfo? target;
                try
                {
                    target = info.ResolveLinkTarget(returnFinalTarget: true);
                }
                catch (IOException)
                {
                    return null;
                }

                // The target may itself lie under linked folders.
                next = target is null ? next : RealPath(Path.GetFullPath(target.FullName), depth + 1);
                if (next is null)
                {
                    return null;
                }
            }

            current = next;
        }

        return current;
    }

    private static List<JsonElement> Items(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().ToList()
            : [];
}
