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

    /// <summary>Full paths for each manifest path, and a sentence for each one refused.</summary>
    public static (IReadOnlyList<KeyValuePair<string, string>> Resolved, IReadOnlyList<string> Refused) Resolve(string folder, IEnumerable<string> paths)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
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
            }
            else if (!File.Exists(full))
            {
                refused.Add($"'{path}' does not exist ({full})");
            }
            else
            {
                resolved.Add(new KeyValuePair<string, string>(path, full));
            }
        }

        return (resolved, refused);
    }

    private static List<JsonElement> Items(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().ToList()
            : [];
}
