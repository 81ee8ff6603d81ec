using Attache.Client;

namespace Attache.Server.Tests.Import;

/// <summary>The client refuses manifest paths that would send files from outside the manifest's folder, before any request.</summary>
public sealed class ClientManifestPathTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "attache-tests", Guid.NewGuid().ToString("N"), "import");
    private readonly CountingHandler _handler = new();

    public ClientManifestPathTests() => Directory.CreateDirectory(_folder);

    [Theory]
    [InlineData("../../etc/passwd", "leads out of the manifest's folder")]
    [InlineData("files/../../secret.txt", "leads out of the manifest's folder")]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("\\\\server\\share\\x", "is absolute")]
    [InlineData("C:\\Windows\\win.ini", "is absolute")]
    [InlineData("files/missing.txt", "does not exist")]
    public async Task A_path_outside_the_manifest_folder_is_refused_before_any_request(string path, string reason)
    {
        var manifest = Write(path);
        var client = AttacheClient.Create(new Uri("http://127.0.0.1:9/"), "key", _handler);

        var error = await Assert.ThrowsAsync<AttacheException>(() => client.ImportAsync(manifest, TestContext.Current.CancellationToken));

        Assert.Contains($"'{path}' {reason}", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _handler.Requests);
    }

    [Fact]
    public async Task Every_refused_path_is_named()
    {
        var manifest = Write("../a", "/b", "ok.txt");
        await File.WriteAllTextAsync(Path.Combine(_folder, "ok.txt"), "fine", TestContext.Current.CancellationToken);
        var client = AttacheClient.Create(new Uri("http://127.0.0.1:9/"), "key", _handler);

        var error = await Assert.ThrowsAsync<AttacheException>(() => client.ImportAsync(manifest, TestContext.Current.CancellationToken));

        Assert.Contains("'../a'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'/b'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ok.txt", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _handler.Requests);
    }

    public void Dispose()
    {
        _handler.Dispose();
        Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);
    }

    private FileInfo Write(params string[] paths)
    {
        var files = string.Join(",", paths.Select((p, i) =>
            $$"""{ "id": "f{{i}}", "index": {{i}}, "content": { "path": {{System.Text.Json.JsonSerializer.Serialize(p)}} } }"""));
        var path = Path.Combine(_folder, "manifest.json");
        File.WriteAllText(path, $$"""{ "documents": [ { "id": "d", "files": [ {{files}} ] } ] }""");
        return new FileInfo(path);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError));
        }
    }
}
