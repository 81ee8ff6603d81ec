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

    [Fact]
    public async Task Download_without_output_refuses_to_replace_an_existing_file()
    {
        var fileId = await UploadAsync([1, 2, 3], "notes.txt");
        var folder = Directory.CreateDirectory(_host.PathOf("cwd")).FullName;
        var existing = Path.Combine(folder, "notes.txt");
        await File.WriteAllBytesAsync(existing, [9, 9], CliHost.Token);

        var result = await InFolderAsync(folder, "download", fileId);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"attache: {existing} already exists; use --force to replace it, or -o to choose another name{Environment.NewLine}", result.Error);
        Assert.Equal([9, 9], await File.ReadAllBytesAsync(existing, CliHost.Token));
        Assert.Equal([existing], Directory.GetFiles(folder));
    }

    [Fact]
    public async Task Download_without_output_replaces_an_existing_file_when_forced()
    {
        var fileId = await UploadAsync([1, 2, 3], "notes.txt");
        var folder = Directory.CreateDirectory(_host.PathOf("cwd")).FullName;
        var existing = Path.Combine(folder, "notes.txt");
        await File.WriteAllBytesAsync(existing, [9, 9], CliHost.Token);

        var result = await InFolderAsync(folder, "download", fileId, "--force");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(existing, CliHost.Token));
        Assert.Equal([existing], Directory.GetFiles(folder));
    }

    [Fact]
    public async Task Download_without_output_saves_a_dot_file_without_its_leading_dot()
    {
        var fileId = await UploadAsync([1, 2, 3], ".bashrc");
        var folder = Directory.CreateDirectory(_host.PathOf("cwd")).FullName;

        var result = await InFolderAsync(folder, "download", fileId);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([Path.Combine(folder, "bashrc")], Directory.GetFiles(folder));
    }

    private async Task<string> UploadAsync(byte[] content, string name)
    {
        var source = await _host.WriteFileAsync("local.bin", content);
        var uploaded = await _host.RunAsync("upload", source, "--document", "doc", "--create", "--name", name);
        Assert.Equal(0, uploaded.ExitCode);
        var stored = JsonDocument.Parse(uploaded.Output).RootElement;
        Assert.Equal(name, stored.GetProperty("fileName").GetString());
        return stored.GetProperty("id").GetString()!;
    }

    private async Task<CliResult> InFolderAsync(string folder, params string[] args)
    {
        var previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = folder;
            return await _host.RunAsync(args);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }
}
