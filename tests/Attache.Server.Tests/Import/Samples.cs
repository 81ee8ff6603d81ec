using System.Text;
using System.Text.Json;

namespace Attache.Server.Tests.Import;

/// <summary>The repository's <c>samples/</c> folder, found from the test binaries, and what its demo manifest holds.</summary>
internal static class Samples
{
    public static DirectoryInfo Folder { get; } = FindFolder();

    public static FileInfo Demo => new(Path.Combine(Folder.FullName, "demo.json"));

    /// <summary>Each file id of the demo manifest with the bytes its content stands for, in manifest order.</summary>
    public static IReadOnlyDictionary<string, byte[]> ExpectedBytes()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Demo.FullName));
        var expected = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var document in manifest.RootElement.GetProperty("documents").EnumerateArray())
        {
            if (!document.TryGetProperty("files", out var files))
            {
                continue;
            }

            foreach (var file in files.EnumerateArray())
            {
                var content = file.GetProperty("content");
                expected[file.GetProperty("id").GetString()!] =
                    content.TryGetProperty("text", out var text) ? Encoding.UTF8.GetBytes(text.GetString()!)
                    : content.TryGetProperty("base64", out var base64) ? Convert.FromBase64String(base64.GetString()!)
                    : File.ReadAllBytes(Path.Combine(Folder.FullName, content.GetProperty("path").GetString()!));
            }
        }

        return expected;
    }

    private static DirectoryInfo FindFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var samples = new DirectoryInfo(Path.Combine(folder.FullName, "samples"));
            if (File.Exists(Path.Combine(samples.FullName, "demo.json")))
            {
                return samples;
            }
        }

        throw new InvalidOperationException($"No samples/demo.json above {AppContext.BaseDirectory}.");
    }
}
