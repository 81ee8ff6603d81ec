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

    [Theory]
    [InlineData("absolute")]
    [InlineData("relative")]
    public async Task A_file_link_to_a_file_outside_the_manifest_folder_is_refused_before_any_request(string target)
    {
        var outside = Path.Combine(Path.GetDirectoryName(_folder)!, "secret.txt");
        await File.WriteAllTextAsync(outside, "secret", TestContext.Current.CancellationToken);
        File.CreateSymbolicLink(Path.Combine(_folder, "innocent.txt"), target == "absolute" ? outside : "../secret.txt");
        var client = AttacheClient.Create(new Uri("http://127.0.0.1:9/"), "key", _handler);

        var error = await Assert.ThrowsAsync<AttacheException>(() => client.ImportAsync(Write("innocent.txt"), TestContext.Current.CancellationToken));

        Assert.Contains($"'innocent.txt' leads out of the manifest's folder {_folder}{Path.DirectorySeparatorChar} through a symbolic link", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _handler.Requests);
    }

    [Fact]
    public async Task A_folder_link_to_a_folder_outside_the_manifest_folder_is_refused_before_any_request()
    {
        var outside = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(_folder)!, "elsewhere")).FullName;
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "secret", TestContext.Current.CancellationToken);
        Directory.CreateSymbolicLink(Path.Combine(_folder, "files"), outside);
        var client = AttacheClient.Create(new Uri("http://127.0.0.1:9/"), "key", _handler);

        var error = await Assert.ThrowsAsync<AttacheException>(() => client.ImportAsync(Write("files/secret.txt"), TestContext.Current.CancellationToken));

        Assert.Contains("'files/secret.txt' leads out of the manifest's folder", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _handler.Requests);
    }

    [Fact]
    public async Task Links_that_stay_inside_the_manifest_folder_are_sent_even_when_the_folder_is_reached_through_a_link()
    {
        var real = Directory.CreateDirectory(Path.Combine(_folder, "real")).FullName;
        await File.WriteAllTextAsync(Path.Combine(real, "a.txt"), "a", TestContext.Current.CancellationToken);
        File.CreateSymbolicLink(Path.Combine(_folder, "link.txt"), Path.Combine("real", "a.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "alias"), real);
        var manifest = Write("link.txt", "alias/a.txt", "real/a.txt");
        var viaLink = Path.Combine(Path.GetDirectoryName(_folder)!, "import-link");
        Directory.CreateSymbolicLink(viaLink, _folder);
        var client = AttacheClient.Create(new Uri("http://127.0.0.1:9/"), "key", _handler);

        await Assert.ThrowsAsync<AttacheException>(() => client.ImportAsync(new FileInfo(Path.Combine(viaLink, manifest.Name)), TestContext.Current.CancellationToken));

        Assert.Equal(1, _handler.Requests);
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
