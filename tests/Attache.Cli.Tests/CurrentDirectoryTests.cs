using System.Text.Json;

namespace Attache.Cli.Tests;

[CollectionDefinition(nameof(CurrentDirectoryTests), DisableParallelization = true)]
public sealed class ChangesCurrentDirectory;

/// <summary>These tests change the process's current directory, so they run alone.</summary>
[Collection(nameof(CurrentDirectoryTests))]
public sealed class CurrentDirectoryTests : IAsyncDisposable
{
    private readonly CliHost _host = new();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Download_without_output_uses_the_stored_file_name_in_the_current_folder()
    {
        var source = await _host.WriteFileAsync("local.bin", [1, 2, 3, 4]);
        var uploaded = await _host.RunAsync("upload", source, "--document", "doc", "--create", "--name", "Quarterly report.pdf");
        var fileId = JsonDocument.Parse(uploaded.Output).RootElement.GetProperty("id").GetString()!;
        var folder = Directory.CreateDirectory(_host.PathOf("cwd")).FullName;

        var previous = Environment.CurrentDirectory;
        CliResult result;
        try
        {
            Environment.CurrentDirectory = folder;
            result = await _host.RunAsync("download", fileId);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }

        Assert.Equal(0, result.ExitCode);
        var written = Assert.Single(Directory.GetFiles(folder));
        Assert.Equal(Path.Combine(folder, "Quarterly report.pdf"), written);
        Assert.Equal([1, 2, 3, 4], await File.ReadAllBytesAsync(written, CliHost.Token));
        Assert.StartsWith(written + " 4 bytes sha256 ", result.Output, StringComparison.Ordinal);
    }
}
