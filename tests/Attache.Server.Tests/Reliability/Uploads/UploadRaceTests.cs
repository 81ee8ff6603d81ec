using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Security.Cryptography;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Reliability.Uploads;

/// <summary>Uploads that race other writes of the same file or document, through real Kestrel.</summary>
public sealed class UploadRaceTests : IAsyncLifetime
{
    private AttacheApp _app = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _app = AttacheApp.Kestrel(new Dictionary<string, string?> { ["Attache:Uploads:MaxBytes"] = "100000" });
        _client = _app.CreateAdminClient();
        await _client.CreateDocumentAsync(new { id = "doc" });
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task E34_Concurrent_good_and_bad_checksum_uploads_never_roll_the_file_back_to_an_older_version()
    {
        var first = await _client.UploadAsync("doc", "v0"u8.ToArray(), "f.txt");
        var uploads = Enumerable.Range(0, 12).Select(async i =>
        {
            var content = NativeApi.Bytes(2000 + i, i);
            using var response = await _client.PutFileAsync("doc", content, "f.txt", configure: request =>
                request.Headers.Add("x-attache-sha256", i % 2 == 0 ? Convert.ToHexStringLower(SHA256.HashData(content)) : new string('0', 64)));
            return response.StatusCode;
        });

        var statuses = await Task.WhenAll(uploads);

        var created = statuses.Count(s => s == HttpStatusCode.Created);
        Assert.Equal(6, created);
        Assert.Equal(6, statuses.Count(s => s == HttpStatusCode.UnprocessableEntity));
        var versions = await (await _client.GetAsync($"/v1/files/{first.Str("id")}/versions", NativeApi.Token)).JsonAsync();
        var latest = versions.GetProperty("items").EnumerateArray().Last();
        Assert.Equal(1 + created, latest.GetProperty("number").GetInt32());
        var file = await (await _client.GetAsync($"/v1/files/{first.Str("id")}", NativeApi.Token)).JsonAsync();
        Assert.Equal(1 + created, file.GetProperty("version").GetInt32());
        Assert.Equal(latest.Str("sha256"), file.Str("sha256"));
    }

    [Fact]
    public async Task E34_Concurrent_raw_uploads_into_one_empty_slot_all_land_as_versions_of_one_file()
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await _client.PutFileAsync("doc", NativeApi.Bytes(500, i), "same.bin", slot: "together");
            return (response.StatusCode, (await response.JsonAsync()).Str("id"));
        }));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s.StatusCode));
        var id = Assert.Single(statuses.Select(s => s.Item2).Distinct());
        var versions = await (await _client.GetAsync($"/v1/files/{id}/versions", NativeApi.Token)).JsonAsync();
        Assert.Equal(Enumerable.Range(1, 8), versions.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("number").GetInt32()));
    }

    [Fact]
    public async Task E34_Concurrent_multipart_uploads_to_one_slot_each_take_their_own_index()
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var form = new MultipartFormDataContent();
            form.Add(new ByteArrayContent(NativeApi.Bytes(500, i)), "pages", $"page-{i}.bin");
            using var response = await _client.PostAsync("/v1/documents/doc/files", form, NativeApi.Token);
            return response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        var files = await (await _client.GetAsync("/v1/documents/doc/files", NativeApi.Token)).JsonAsync();
        var pages = files.GetProperty("items").EnumerateArray().Where(f => f.Str("slot") == "pages").ToList();
        Assert.Equal(Enumerable.Range(0, 8), pages.Select(f => f.GetProperty("index").GetInt32()).Order());
        Assert.All(pages, f => Assert.Equal(1, f.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task E33_An_upload_that_finishes_after_its_document_was_purged_is_refused_and_leaves_no_bytes()
    {
        // S3 shows an upload only once a whole part has arrived, which this class's limit does not let in.
        await using var own = _app.BytesBeforeStagingShows > 30_000
            ? AttacheApp.Kestrel(new Dictionary<string, string?> { ["Attache:Uploads:MaxBytes"] = "20000000" })
            : null;
        var app = own ?? _app;
        using var ownClient = own?.CreateAdminClient();
        var client = ownClient ?? _client;
        await client.CreateDocumentAsync(new { id = "race" });
        var body = NativeApi.Bytes(Math.Max(60_000, 2 * app.BytesBeforeStagingShows), 9);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, client.BaseAddress!.Port, NativeApi.Token);
        var head = $"PUT /v1/documents/race/files/file?fileName=late.bin HTTP/1.1\r\nHost: {client.BaseAddress.Authority}\r\n"
            + $"Authorization: Bearer {AttacheApp.AdminKey}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head), NativeApi.Token);
        await socket.SendAsync(body.AsMemory(0, body.Length / 2), NativeApi.Token);

        await WaitForStagingAsync(app);
        using (var purged = await client.DeleteAsync("/v1/documents/race?purge=true", NativeApi.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, purged.StatusCode);
        }

        await socket.SendAsync(body.AsMemory(body.Length / 2), NativeApi.Token);
        var answer = new List<byte>();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, NativeApi.Token)) > 0)
        {
            answer.AddRange(buffer.AsSpan(0, read));
        }

        var text = Encoding.UTF8.GetString(answer.ToArray());
        Assert.StartsWith("HTTP/1.1 410", text, StringComparison.Ordinal);
        var files = await (await client.GetAsync("/v1/documents/race/files", NativeApi.Token)).JsonAsync();
        Assert.Equal(0, files.GetProperty("items").GetArrayLength());
        Assert.Empty(app.BlobFiles());
    }

    [Fact]
    public async Task E29_A_re_upload_over_the_limit_leaves_the_current_version_downloadable_whatever_its_framing()
    {
        var first = await _client.UploadAsync("doc", "keep me"u8.ToArray(), "k.txt");

        using var sized = await _client.PutFileAsync("doc", new byte[100_001], "k.txt");
        await sized.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        // All at once, as curl sends it, so that the server has the whole chunked body before it reads a byte.
        var chunk = NativeApi.Bytes(300_000, 3);
        var head = $"PUT /v1/documents/doc/files/file?fileName=k.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {AttacheApp.AdminKey}\r\n"
            + $"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{chunk.Length:x}\r\n";
        var request = Encoding.ASCII.GetBytes(head).Concat(chunk).Concat("\r\n0\r\n\r\n"u8.ToArray()).ToArray();
        var answer = await SendRawAsync(request);
        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);

        Assert.Equal("keep me", await _client.GetStringAsync($"/v1/files/{first.Str("id")}/content", NativeApi.Token));
    }

    private async Task<string> SendRawAsync(byte[] request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _client.BaseAddress!.Port, NativeApi.Token);
        await socket.SendAsync(request, NativeApi.Token);
        var answer = new List<byte>();
        var buffer = new byte[4096];
        int read;
        try
        {
            while ((read = await socket.ReceiveAsync(buffer, NativeApi.Token)) > 0)
            {
                answer.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (SocketException) when (answer.Count > 0)
        {
            // The server may reset the connection once it has answered and stops reading the rest.
        }

        return Encoding.ASCII.GetString(answer.ToArray());
    }

    private static async Task WaitForStagingAsync(AttacheApp app)
    {
        for (var i = 0; i < 200 && !app.StagingFiles().Any(); i++)
        {
            await Task.Delay(25, NativeApi.Token);
        }

        Assert.True(app.StagingFiles().Any(), "the upload never started staging: " + string.Join(", ", app.BlobFiles()));
    }
}
