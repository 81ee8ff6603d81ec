namespace Attache.Cli.Tests;

public sealed class FailureTests : IAsyncDisposable
{
    private readonly CliHost _host = new();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Upload_to_an_unknown_document_without_create_fails_with_the_servers_problem()
    {
        var path = await _host.WriteFileAsync("a.txt", [1]);

        var result = await _host.RunAsync("upload", path, "--document", "nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Equal("attache: 404 Not found: Document 'nope' was not found.", result.Error.TrimEnd(), ignoreLineEndingDifferences: true);
        Assert.Null(await _host.Client().FindDocumentAsync("nope", CliHost.Token));
    }

    [Fact]
    public async Task A_wrong_api_key_fails_with_401()
    {
        var path = await _host.WriteFileAsync("a.txt", [1]);

        var result = await _host.RunAsync("upload", path, "--document", "doc", "--create", "--api-key", "wrong-key");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("attache: 401 ", result.Error, StringComparison.Ordinal);
        Assert.Null(await _host.Client().FindDocumentAsync("doc", CliHost.Token));
    }

    [Fact]
    public async Task Download_of_an_unknown_file_fails_and_writes_nothing()
    {
        var target = _host.PathOf("out.bin");

        var result = await _host.RunAsync("download", "999", "-o", target);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("attache: 404 ", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_host.Folder));
    }

    [Fact]
    public async Task Upload_without_the_required_document_option_fails_before_calling_the_server()
    {
        var path = await _host.WriteFileAsync("a.txt", [1]);

        var result = await _host.RunAsync("upload", path);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--document", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_of_a_missing_local_file_fails()
    {
        var result = await _host.RunAsync("upload", _host.PathOf("absent.txt"), "--document", "doc", "--create");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("absent.txt", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_run_exits_with_failure_and_no_stack_trace()
    {
        var path = await _host.WriteFileAsync("a.txt", [1]);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var result = await _host.RunAsync(cancellation.Token, "upload", path, "--document", "doc", "--create");

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_verb_fails()
    {
        var result = await _host.RunAsync("frobnicate");

        Assert.NotEqual(0, result.ExitCode);
        Assert.NotEqual("", result.Error);
    }
}
