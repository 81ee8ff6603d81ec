using System.Net.Sockets;
using System.Text;

namespace Attache.Server.Tests.Api;

/// <summary>Requests no HTTP client library would send, written to a real Kestrel socket.</summary>
public sealed class ProtocolAbuseTests : IAsyncLifetime
{
    private AttacheApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _app = AttacheApp.Kestrel();
        using var client = _app.CreateAdminClient();
        await client.CreateDocumentAsync(new { id = "doc" });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n", "400")]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n3;\nxx\r\nabc\r\n0\r\n\r\n", "400")]
    [InlineData("Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcde", "400")]
    [InlineData("Content-Length: -1\r\n\r\n", "400")]
    public async Task Malformed_framing_on_an_upload_is_a_400_not_a_500(string tail, string status)
    {
        var answer = await SendRawAsync($"PUT /v1/documents/doc/files/file?fileName=a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {AttacheApp.AdminKey}\r\n{tail}");
        Assert.StartsWith($"HTTP/1.1 {status}", answer, StringComparison.Ordinal);
        Assert.Empty(_app.BlobFiles());
    }

    [Fact]
    public async Task Kestrel_refusing_bad_chunk_framing_answers_a_problem_titled_with_the_400_reason_phrase()
    {
        var answer = await SendRawAsync(
            $"PUT /v1/documents/doc/files/file?fileName=a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {AttacheApp.AdminKey}\r\n" +
            "Transfer-Encoding: chunked\r\n\r\n3;\nxx\r\nabc\r\n0\r\n\r\n",
            untilEnd: true);

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        Assert.Contains("\"title\":\"Bad Request\"", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_chunked_multipart_is_a_400_not_a_500()
    {
        var answer = await SendRawAsync(
            $"POST /v1/documents/doc/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {AttacheApp.AdminKey}\r\n" +
            "Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n--b\r\n0\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_body_over_8_MiB_is_413()
    {
        using var client = _app.CreateAdminClient();
        using var content = new StringContent("{\"title\":\"" + new string('x', 9 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/documents") { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request, NativeApi.Token);
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    /// <summary>The first bytes of the answer, or with <paramref name="untilEnd"/> the answer up to its last chunk.</summary>
    private async Task<string> SendRawAsync(string request, bool untilEnd = false)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, _app.CreateClient().BaseAddress!.Port, NativeApi.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), NativeApi.Token);
        var buffer = new byte[4096];
        var answer = new StringBuilder();
        int read;
        do
        {
            read = await socket.ReceiveAsync(buffer, NativeApi.Token);
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        while (untilEnd && read > 0 && !answer.ToString().EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal));

        return answer.ToString();
    }
}
