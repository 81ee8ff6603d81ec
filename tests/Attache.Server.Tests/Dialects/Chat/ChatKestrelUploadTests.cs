using System.Net;
using System.Net.Sockets;
using System.Text;
using Attache.Server.Tests.Api;
using static Attache.Server.Tests.Dialects.Chat.ChatWorld;

namespace Attache.Server.Tests.Dialects.Chat;

/// <summary>Uploads through real Kestrel, from a socket that can stop half-way.</summary>
public sealed class ChatKestrelUploadTests : IAsyncLifetime
{
    private AttacheApp _app = null!;
    private HttpClient _author = null!;
    private string _cookie = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = AttacheApp.Kestrel();
        await ImportAsync(_app);
        _author = await _app.SignInAsync("author");
        _cookie = _author.DefaultRequestHeaders.GetValues("Cookie").Single();
    }

    public async ValueTask DisposeAsync()
    {
        _author.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task An_attachment_shows_its_upload_in_progress_and_a_client_that_disconnects_leaves_it_failed_with_nothing_to_download()
    {
        var first = NativeApi.Bytes(10_000, seed: 3);
        var second = NativeApi.Bytes(4 * 1024 * 1024, seed: 4);
        var body = FormData(new Part("done.bin", "application/octet-stream", first), new Part("cut.bin", "application/octet-stream", second));
        var sendUpTo = body.Length - (3 * 1024 * 1024);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _author.BaseAddress!.Port, Token);
        var head = $"POST /chat/api/v1/messages/43/attachments HTTP/1.1\r\nHost: {_author.BaseAddress.Authority}\r\nCookie: {_cookie}\r\n"
            + $"Content-Type: multipart/form-data; boundary={Boundary}\r\nContent-Length: {body.Length}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head), Token);
        await socket.SendAsync(body.AsMemory(0, sendUpTo), Token);

        var listed = await PollAsync(() => _author.ListAsync(43), items => items.Length == 2);
        Assert.Equal(["ReadyForDownloadFromServerToClient", "UploadFromClientToServerInProgress"], listed.Select(a => a.Str("attachmentState")));
        var cutId = listed[1].GetProperty("attachmentId").GetInt64();
        using (var early = await _author.GetAsync($"/chat/api/v1/attachments/{cutId}/cut.bin", Token))
        {
            await early.AssertErrorAsync(HttpStatusCode.Conflict,
                """{"errorText":"Attachment is not ready for download: its state is UploadFromClientToServerInProgress","httpStatusCode":409}""");
        }

        socket.LingerState = new LingerOption(true, 0);
        socket.Close();

        var cut = await PollAsync(() => _author.MetadataAsync(cutId), a => a.Str("attachmentState") != "UploadFromClientToServerInProgress");
        Assert.Equal("UploadFromClientToServerFailed", cut.Str("attachmentState"));
        using var download = await _author.GetAsync($"/chat/api/v1/attachments/{cutId}/cut.bin", Token);
        await download.AssertErrorAsync(HttpStatusCode.Conflict,
            """{"errorText":"Attachment is not ready for download: its state is UploadFromClientToServerFailed","httpStatusCode":409}""");
        using var kept = await _author.GetAsync($"/chat/api/v1/attachments/{listed[0].GetProperty("attachmentId")}/done.bin", Token);
        Assert.Equal(first, await kept.Content.ReadAsByteArrayAsync(Token));

        var staging = Path.Combine(_app.DataPath, "blobs", ".staging");
        var leftovers = await PollAsync(() => Task.FromResult(Directory.Exists(staging) && Directory.EnumerateFiles(staging).Any()), any => !any);
        Assert.False(leftovers);
    }

    [Fact]
    public async Task An_attachment_deleted_while_its_bytes_arrive_stays_deleted()
    {
        var body = FormData(new Part("late.bin", "application/octet-stream", NativeApi.Bytes(2 * 1024 * 1024, seed: 5)));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _author.BaseAddress!.Port, Token);
        var head = $"POST /chat/api/v1/messages/43/attachments HTTP/1.1\r\nHost: {_author.BaseAddress.Authority}\r\nCookie: {_cookie}\r\n"
            + $"Content-Type: multipart/form-data; boundary={Boundary}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head), Token);
        await socket.SendAsync(body.AsMemory(0, body.Length / 2), Token);
        var listed = await PollAsync(() => _author.ListAsync(43), items => items.Length == 1);
        var id = listed.Single().GetProperty("attachmentId").GetInt64();

        using (var deleted = await _author.DeleteAsync($"/chat/api/v1/attachments/{id}", Token))
        {
            Assert.Equal(Ok, await deleted.Content.ReadAsStringAsync(Token));
        }

        await socket.SendAsync(body.AsMemory(body.Length / 2), Token);
        var answer = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, Token)) > 0)
        {
            await answer.WriteAsync(buffer.AsMemory(0, read), Token);
        }

        Assert.StartsWith("HTTP/1.1 404", Encoding.ASCII.GetString(answer.ToArray()), StringComparison.Ordinal);
        Assert.Contains(AttachmentNotFound, Encoding.UTF8.GetString(answer.ToArray()), StringComparison.Ordinal);
        Assert.Empty(await _author.ListAsync(43));
        using var metadata = await _author.GetAsync($"/chat/api/v1/attachments/{id}", Token);
        await metadata.AssertErrorAsync(HttpStatusCode.NotFound, AttachmentNotFound);
    }
}
