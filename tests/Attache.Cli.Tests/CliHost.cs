extern alias cli;

using System.Net.Http.Headers;
using Attache.Client;
using Attache.Server.Tests;
using cli::Attache.Cli;

namespace Attache.Cli.Tests;

/// <summary>
/// The in-process server plus a scratch folder, and the <c>attache</c> command wired to the server's in-memory
/// handler. The API key given on the command line (or the admin key) is the one the client sends.
/// </summary>
internal sealed class CliHost : IAsyncDisposable
{
    public CliHost() => Folder = Directory.CreateTempSubdirectory("attache-cli-").FullName;

    public AttacheApp App { get; } = new();

    public string Folder { get; }

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public string PathOf(string name) => Path.Combine(Folder, name);

    public async Task<string> WriteFileAsync(string name, byte[] content)
    {
        var path = PathOf(name);
        await File.WriteAllBytesAsync(path, content, Token);
        return path;
    }

    public AttacheClient Client(string? apiKey = AttacheApp.AdminKey, params DelegatingHandler[] handlers)
    {
        var http = App.CreateDefaultClient(handlers);
        http.Timeout = TimeSpan.FromMinutes(5);
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return new AttacheClient(http);
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(Token, args);

    public async Task<CliResult> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var root = CliApp.Build((_, apiKey) => Client(apiKey ?? AttacheApp.AdminKey));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(root, args, output, error, cancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}

internal sealed record CliResult(int ExitCode, string Output, string Error);
