using System.Text.Json;

namespace Attache.Cli.Tests;

public sealed class ImportCommandTests
{
    [Fact]
    public async Task Import_loads_a_manifest_with_a_path_content_and_a_second_run_changes_nothing()
    {
        await using var host = new CliHost();
        Directory.CreateDirectory(host.PathOf("files"));
        await host.WriteFileAsync("files/note.txt", "next to the manifest"u8.ToArray());
        await File.WriteAllTextAsync(host.PathOf("manifest.json"), """
            { "documents": [ { "id": "imported", "title": "From the CLI",
                "files": [ { "id": "77", "slot": "file", "index": 0, "fileName": "note.txt", "content": { "path": "files/note.txt" } } ] } ] }
            """, CliHost.Token);

        var first = await host.RunAsync("import", host.PathOf("manifest.json"));
        Assert.True(first.ExitCode == 0, first.Error);
        var second = await host.RunAsync("import", host.PathOf("manifest.json"));
        Assert.True(second.ExitCode == 0, second.Error);

        var firstReport = JsonDocument.Parse(first.Output).RootElement;
        var secondReport = JsonDocument.Parse(second.Output).RootElement;
        Assert.Equal(1, firstReport.GetProperty("documentsCreated").GetInt32());
        Assert.Equal(1, firstReport.GetProperty("filesCreated").GetInt32());
        Assert.Equal(20, firstReport.GetProperty("bytesStored").GetInt64());
        Assert.Equal(1, secondReport.GetProperty("documentsUnchanged").GetInt32());
        Assert.Equal(1, secondReport.GetProperty("filesUnchanged").GetInt32());
        Assert.Equal(0, secondReport.GetProperty("bytesStored").GetInt64());

        var output = host.PathOf("copy.txt");
        var download = await host.RunAsync("download", "77", "-o", output);
        Assert.True(download.ExitCode == 0, download.Error);
        Assert.Equal("next to the manifest", await File.ReadAllTextAsync(output, CliHost.Token));
    }

    [Fact]
    public async Task Import_refuses_a_path_that_leaves_the_manifest_folder()
    {
        await using var host = new CliHost();
        await File.WriteAllTextAsync(host.PathOf("manifest.json"), """
            { "documents": [ { "id": "d", "files": [ { "id": "1", "slot": "file", "index": 0, "fileName": "p", "content": { "path": "../../etc/passwd" } } ] } ] }
            """, CliHost.Token);

        var result = await host.RunAsync("import", host.PathOf("manifest.json"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("../../etc/passwd", result.Error, StringComparison.Ordinal);
    }
}
