using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Reliability.Uploads;

/// <summary>
/// Reliability cases E29, E36 and E37 (reliability.md §3 E) that need a real socket: uploads through Kestrel on a
/// loopback port, cut off, reset, over-long or refused before their body is read.
/// E36: the server has no resumable uploads, so "offset and state reflect only durable bytes" means a broken body
/// leaves no version and no staging file, and a file that existed shows <c>UploadFromClientToServerFailed</c>.
/// </summary>
public sealed class KestrelUploadTests : IAsyncLifetime
{
    private AttacheApp _app = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _app = AttacheApp.Kestrel();
        _client = _app.CreateAdminClient();
        await _client.CreateDocumentAsync(new { id = "doc" });
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task E37_A_200_MiB_file_round_trips_byte_exact_without_either_side_holding_it()
    {
        const long size = 200L * 1024 * 1024;
        var source = new PatternStream(size, seed: 42);
        using var content = new StreamContent(source, 256 * 1024);
        content.Headers.ContentLength = size;
        using var upload = await _client.PutAsync("/v1/documents/doc/files/file?fileName=big.bin", content, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var file = await upload.JsonAsync();
        var expected = source.Sha256();
        Assert.Equal(expected, file.Str("sha256"));

        using var download = await _client.GetAsync($"/v1/files/{file.Str("id")}/content", HttpCompletionOption.ResponseHeadersRead, NativeApi.Token);
        Assert.Equal(size, download.Content.Headers.ContentLength);
        await using var body = await download.Content.ReadAsStreamAsync(NativeApi.Token);
        Assert.Equal(expected, Convert.ToHexStringLower(await SHA256.HashDataAsync(body, NativeApi.Token)));
    }

    [Fact]
    public async Task E36_A_client_that_disconnects_mid_upload_leaves_no_version_and_no_temporary_file()
    {
        var first = await _client.UploadAsync("doc", "version one"u8.ToArray(), "v.txt");

        await SendHalfAndVanishAsync("/v1/documents/doc/files/file?fileName=v.txt");
        await SendHalfAndVanishAsync("/v1/documents/doc/files/other?fileName=new.txt");

        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(20);
        string state;
        do
        {
            await Task.Delay(100, NativeApi.Token);
            state = (await (await _client.GetAsync($"/v1/files/{first.Str("id")}", NativeApi.Token)).JsonAsync()).Str("state");
        }
        while (state != "UploadFromClientToServerFailed" && TimeProvider.System.GetUtcNow() < deadline);

        Assert.Equal("UploadFromClientToServerFailed", state);
        var versions = await (await _client.GetAsync($"/v1/files/{first.Str("id")}/versions", NativeApi.Token)).JsonAsync();
        Assert.Equal(1, versions.GetProperty("items").GetArrayLength());
        var files = await (await _client.GetAsync("/v1/documents/doc/files", NativeApi.Token)).JsonAsync();
        Assert.Equal(["file"], files.GetProperty("items").EnumerateArray().Select(f => f.Str("slot")));

        while (_app.StagingFiles().Any() && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(100, NativeApi.Token);
        }

        Assert.Empty(_app.StagingFiles());
    }

    [Fact]
    public async Task E29_A_declared_length_over_the_limit_is_refused_with_413_before_the_body_is_read()
    {
        await using var app = AttacheApp.Kestrel(new Dictionary<string, string?> { ["Attache:Uploads:MaxBytes"] = "1000" });
        using var client = app.CreateAdminClient();
        await client.CreateDocumentAsync(new { id = "doc" });
        using var response = await client.PutFileAsync("doc", new byte[1001], "x.bin");
        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task E29_A_chunked_body_over_the_limit_is_refused_with_413_and_leaves_no_trace()
    {
        await using var app = AttacheApp.Kestrel(new Dictionary<string, string?> { ["Attache:Uploads:MaxBytes"] = "100000" });
        using var client = app.CreateAdminClient();
        await client.CreateDocumentAsync(new { id = "doc" });
        using var content = new StreamContent(new PatternStream(300_000, seed: 1));
        using var response = await client.PutAsync("/v1/documents/doc/files/file?fileName=x.bin", content, NativeApi.Token);
        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.False(app.BlobFiles().Any());
    }

    [Fact]
    public async Task E29_Expect_continue_with_a_bad_key_or_an_over_limit_length_is_answered_without_reading_the_body()
    {
        await using var app = AttacheApp.Kestrel(new Dictionary<string, string?> { ["Attache:Uploads:MaxBytes"] = "1000" });
        using var admin = app.CreateAdminClient();
        await admin.CreateDocumentAsync(new { id = "doc" });
        var port = admin.BaseAddress!.Port;

        foreach (var (key, length, status) in new[] { ("atk_wrong", 50_000_000, "401"), (AttacheApp.AdminKey, 50_000_000, "413") })
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port, NativeApi.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes(
                $"PUT /v1/documents/doc/files/file?fileName=x.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n" +
                $"Content-Length: {length}\r\nExpect: 100-continue\r\n\r\n"), NativeApi.Token);
            var buffer = new byte[4096];
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(NativeApi.Token);
            wait.CancelAfter(TimeSpan.FromSeconds(20));
            var read = await socket.ReceiveAsync(buffer, wait.Token);
            var answer = Encoding.ASCII.GetString(buffer, 0, read);

            // The final status comes first: no "100 Continue" invited a body that was never sent.
            Assert.StartsWith($"HTTP/1.1 {status}", answer, StringComparison.Ordinal);
        }

        Assert.Empty(app.BlobFiles());
        Assert.Empty(app.Errors);
    }

    [Fact]
    public async Task E29_A_body_shorter_than_its_content_length_is_never_stored_and_leaves_no_trace()
    {
        var before = _app.BlobFiles().ToHashSet();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _client.BaseAddress!.Port, NativeApi.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"PUT /v1/documents/doc/files/short?fileName=s.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {AttacheApp.AdminKey}\r\n" +
            "Content-Length: 100000\r\n\r\n"), NativeApi.Token);
        await socket.SendAsync(NativeApi.Bytes(40_000), NativeApi.Token);
        socket.Shutdown(SocketShutdown.Send);
        var answer = await ReadToCloseAsync(socket);

        // Kestrel takes the end of input as the client leaving: the request is aborted and nothing is answered.
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), answer);
        var files = await (await _client.GetAsync("/v1/documents/doc/files", NativeApi.Token)).JsonAsync();
        Assert.Equal(0, files.GetProperty("items").GetArrayLength());
        Assert.Equal(before, _app.BlobFiles().ToHashSet());
        Assert.Empty(_app.StagingFiles());
    }

    [Fact]
    public async Task E36_A_body_longer_than_its_content_length_stores_the_declared_bytes_and_the_rest_is_a_bad_request()
    {
        var body = NativeApi.Bytes(50 * 1024, seed: 36);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _client.BaseAddress!.Port, NativeApi.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"PUT /v1/documents/doc/files/long?fileName=l.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {AttacheApp.AdminKey}\r\n" +
            "Content-Length: 10240\r\n\r\n"), NativeApi.Token);
        await socket.SendAsync(body, NativeApi.Token);
        var answer = await ReadToCloseAsync(socket);

        var statuses = answer.Split("\r\n").Where(l => l.StartsWith("HTTP/1.1 ", StringComparison.Ordinal)).Select(l => l[9..12]);
        Assert.Equal(["201", "400"], statuses);
        var file = (await (await _client.GetAsync("/v1/documents/doc/files", NativeApi.Token)).JsonAsync()).GetProperty("items")[0];
        Assert.Equal(body[..10240], await _client.GetByteArrayAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token));
        Assert.Empty(_app.Errors);
    }

    /// <summary>Every byte the server sends until it closes the connection, or resets it after its answer.</summary>
    private static async Task<string> ReadToCloseAsync(Socket socket)
    {
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, NativeApi.Token)) > 0)
            {
                answer.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        return answer.ToString();
    }

    private async Task SendHalfAndVanishAsync(string path)
    {
        var address = _client.BaseAddress!;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, address.Port, NativeApi.Token);
        var head = $"PUT {path} HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {AttacheApp.AdminKey}\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 10485760\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head), NativeApi.Token);
        await socket.SendAsync(NativeApi.Bytes(1024 * 1024), NativeApi.Token);
        await Task.Delay(200, NativeApi.Token);
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }
}

/// <summary>A deterministic pseudo-random stream of a given length that hashes what it hands out.</summary>
internal sealed class PatternStream(long length, int seed) : Stream
{
    private readonly Random _random = new(seed);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        _random.NextBytes(buffer[..n]);
        _hash.AppendData(buffer[..n]);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
