using System.Security.Cryptography;
using System.Text.Json;

namespace Attache.Cli.Tests;

public sealed class UploadDownloadTests : IAsyncDisposable
{
    private readonly CliHost _host = new();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Upload_with_create_makes_the_document_and_prints_the_stored_file()
    {
        var content = CliHost.Bytes(10_000, seed: 1);
        var path = await _host.WriteFileAsync("contract.pdf", content);

        var result = await _host.RunAsync("upload", path, "--document", "doc-1", "--create");

        Assert.Equal(0, result.ExitCode);
        var file = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), file.GetProperty("sha256").GetString());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(content)), file.GetProperty("md5").GetString());
        Assert.Equal(10_000, file.GetProperty("size").GetInt64());
        Assert.Equal("doc-1", file.GetProperty("documentId").GetString());
        Assert.Equal("contract.pdf", file.GetProperty("fileName").GetString());
        Assert.Equal("ReadyForDownloadFromServerToClient", file.GetProperty("state").GetString());
        Assert.Equal(1, file.GetProperty("version").GetInt32());

        var document = await _host.Client().FindDocumentAsync("doc-1", CliHost.Token);
        Assert.Equal("contract.pdf", document?.Title);
    }

    [Fact]
    public async Task Uploading_twice_without_an_index_makes_version_two_at_index_0_as_the_help_says()
    {
        var path = await _host.WriteFileAsync("a.txt", [1]);
        var first = JsonDocument.Parse((await _host.RunAsync("upload", path, "--document", "doc-1", "--create")).Output).RootElement;
        await File.WriteAllBytesAsync(path, [2], CliHost.Token);

        var second = JsonDocument.Parse((await _host.RunAsync("upload", path, "--document", "doc-1")).Output).RootElement;
        var help = await _host.RunAsync("upload", "--help");

        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(0, second.GetProperty("index").GetInt32());
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        Assert.Contains("Index within the slot (default: 0; an occupied index gets a new version)", help.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("next free", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_with_create_into_an_existing_document_leaves_it_as_it_was()
    {
        var client = _host.Client();
        await client.CreateDocumentAsync(new(Id: "doc-1", Title: "Kept"), CliHost.Token);
        var path = await _host.WriteFileAsync("a.txt", [1, 2, 3]);

        var result = await _host.RunAsync("upload", path, "-d", "doc-1", "--create", "--slot", "attachment", "--name", "renamed.txt");

        Assert.Equal(0, result.ExitCode);
        var file = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("attachment", file.GetProperty("slot").GetString());
        Assert.Equal("renamed.txt", file.GetProperty("fileName").GetString());
        Assert.Equal("Kept", (await client.FindDocumentAsync("doc-1", CliHost.Token))?.Title);
    }

    [Fact]
    public async Task A_decomposed_file_name_is_stored_composed()
    {
        var path = await _host.WriteFileAsync("a.txt", [1]);

        var result = await _host.RunAsync("upload", path, "-d", "doc", "--create", "--name", "re\u0301sume\u0301.txt");

        Assert.Equal("r\u00E9sum\u00E9.txt", JsonDocument.Parse(result.Output).RootElement.GetProperty("fileName").GetString());
    }

    [Fact]
    public async Task Download_to_a_path_writes_the_exact_bytes_and_leaves_no_partial_file()
    {
        var content = CliHost.Bytes(70_000, seed: 2);
        var source = await _host.WriteFileAsync("source.bin", content);
        var uploaded = await _host.RunAsync("upload", source, "--document", "doc", "--create");
        var fileId = JsonDocument.Parse(uploaded.Output).RootElement.GetProperty("id").GetString()!;
        var target = _host.PathOf("copy.bin");

        var result = await _host.RunAsync("download", fileId, "-o", target);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(content, await File.ReadAllBytesAsync(target, CliHost.Token));
        Assert.Equal($"{target} 70000 bytes sha256 {Convert.ToHexStringLower(SHA256.HashData(content))}", result.Output.TrimEnd());
        Assert.False(File.Exists(target + ".partial"));
        Assert.Equal(["copy.bin", "source.bin"], Directory.GetFiles(_host.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Download_replaces_an_existing_file_at_the_output_path()
    {
        var source = await _host.WriteFileAsync("source.bin", [5, 6, 7]);
        var fileId = JsonDocument.Parse((await _host.RunAsync("upload", source, "-d", "doc", "--create")).Output).RootElement.GetProperty("id").GetString()!;
        var target = await _host.WriteFileAsync("old.bin", CliHost.Bytes(1000, seed: 3));

        Assert.Equal(0, (await _host.RunAsync("download", fileId, "--output", target)).ExitCode);

        Assert.Equal([5, 6, 7], await File.ReadAllBytesAsync(target, CliHost.Token));
    }

    [Fact]
    public async Task Five_MiB_go_up_and_come_back_byte_for_byte()
    {
        var content = CliHost.Bytes(5 * 1024 * 1024, seed: 4);
        var source = await _host.WriteFileAsync("big.bin", content);

        var uploaded = await _host.RunAsync("upload", source, "--document", "big", "--create");
        Assert.Equal(0, uploaded.ExitCode);
        var fileId = JsonDocument.Parse(uploaded.Output).RootElement.GetProperty("id").GetString()!;
        var target = _host.PathOf("big-copy.bin");
        var downloaded = await _host.RunAsync("download", fileId, "-o", target);

        Assert.Equal(0, downloaded.ExitCode);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await File.ReadAllBytesAsync(target, CliHost.Token)));
        Assert.Equal(content.Length, new FileInfo(target).Length);
    }
}
