using System.Net;
using System.Security.Cryptography;
using Attache.Client;
using Attache.Server.Tests;

namespace Attache.Cli.Tests;

public sealed class ClientTests : IAsyncDisposable
{
    private readonly CliHost _host = new();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task FindDocumentAsync_returns_null_for_an_unknown_document()
    {
        Assert.Null(await _host.Client().FindDocumentAsync("missing", CliHost.Token));
    }

    [Fact]
    public async Task A_refused_request_throws_with_the_status_title_and_detail_of_the_problem()
    {
        var client = _host.Client();
        await client.CreateDocumentAsync(new(Id: "dup"), CliHost.Token);

        var refused = await Assert.ThrowsAsync<AttacheException>(() => client.CreateDocumentAsync(new(Id: "dup"), CliHost.Token));

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("Conflict", refused.Title);
        Assert.Equal("A document with id 'dup' already exists.", refused.Detail);
        Assert.Equal("409 Conflict: A document with id 'dup' already exists.", refused.Message);
    }

    [Fact]
    public async Task A_wrong_declared_sha256_is_refused_by_the_server()
    {
        var client = _host.Client();
        await client.CreateDocumentAsync(new(Id: "doc"), CliHost.Token);
        using var body = new MemoryStream([1, 2, 3]);

        var refused = await Assert.ThrowsAsync<AttacheException>(() =>
            client.UploadAsync("doc", body, "a.bin", sha256: new string('0', 64), cancellationToken: CliHost.Token));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("Checksum mismatch", refused.Title);
    }

    [Fact]
    public async Task An_unauthenticated_request_throws_401()
    {
        var refused = await Assert.ThrowsAsync<AttacheException>(() => _host.Client(apiKey: "nope").FindDocumentAsync("doc", CliHost.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
    }

    [Fact]
    public async Task DownloadAsync_streams_the_bytes_and_describes_them()
    {
        var (fileId, content) = await UploadAsync(20_000);
        using var destination = new MemoryStream();

        var downloaded = await _host.Client().DownloadAsync(fileId, destination, CliHost.Token);

        Assert.Equal(content, destination.ToArray());
        Assert.Equal(new DownloadedFile("data.bin", "application/octet-stream", 20_000, Convert.ToHexStringLower(SHA256.HashData(content))), downloaded);
    }

    [Fact]
    public async Task DownloadAsync_detects_bytes_damaged_on_the_way()
    {
        var (fileId, content) = await UploadAsync(20_000);
        using var destination = new MemoryStream();
        var client = _host.Client(AttacheApp.AdminKey, new FlipOneByteHandler(position: 12_345));

        var damaged = await Assert.ThrowsAsync<AttacheException>(() => client.DownloadAsync(fileId, destination, CliHost.Token));

        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(content)), damaged.Message, StringComparison.Ordinal);
        Assert.Equal(content.Length, destination.Length);
        Assert.NotEqual(content, destination.ToArray());
    }

    private async Task<(string FileId, byte[] Content)> UploadAsync(int size)
    {
        var client = _host.Client();
        await client.CreateDocumentAsync(new(Id: "doc"), CliHost.Token);
        var content = CliHost.Bytes(size, seed: size);
        using var body = new MemoryStream(content);
        var file = await client.UploadAsync("doc", body, "data.bin", cancellationToken: CliHost.Token);
        return (file.Id, content);
    }

    /// <summary>
    /// Damages one byte of every file body while keeping the server's headers, ETag included: a fault of the network
    /// or a proxy that the real server cannot be made to produce.
    /// </summary>
    private sealed class FlipOneByteHandler(int position) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode || request.RequestUri?.AbsolutePath.EndsWith("/content", StringComparison.Ordinal) != true)
            {
                return response;
            }

            using var original = response.Content;
            var bytes = await original.ReadAsByteArrayAsync(cancellationToken);
            bytes[position] ^= 0x01;
            var damaged = new ByteArrayContent(bytes);
            foreach (var header in original.Headers)
            {
                damaged.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = damaged;
            return response;
        }
    }
}
