using System.Net.Sockets;
using System.Text;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Reliability.Headers;

/// <summary>
/// Reliability cases C22–C23 (reliability.md §3 C): requests no HTTP client library would send, written to a real
/// Kestrel socket by a user with another owner's canary; no answer may carry its marker. The limits themselves
/// (header size and count, request line) are Kestrel's as configured; these tests assert the statuses only.
/// </summary>
public sealed class ProtocolAbuseTests : IAsyncLifetime
{
    private AttacheApp _app = null!;
    private WatchedUser _user = null!;
    private HashSet<string> _before = null!;

    public async ValueTask InitializeAsync()
    {
        _app = AttacheApp.Kestrel();
        _user = await WatchedUser.StartAsync(_app);
        _before = _user.Blobs();
    }

    public async ValueTask DisposeAsync()
    {
        Assert.Empty(_app.Errors);
        _user.Dispose();
        await _app.DisposeAsync();
    }

    public static TheoryData<string, string> MalformedRequests() => new()
    {
        { "GET /v1/files/1/content HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('h', 33 * 1024) + "\r\n\r\n", "431" },
        { "GET /v1/files/1/content HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 101).Select(i => $"X-H{i}: v\r\n")) + "\r\n", "431" },
        { "GET /v1/files/1/content?q=" + new string('q', 9 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414" },
        { "GET /v1/files/1/content HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n\r\n", "400" },
        { "GET /v1/files/1/content HTTP/1.1\r\n\r\n", "400" },
        { "GET /v1/files/1/content HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", "400" },
        { "GET /v1/files/1/content HTTP/9.9\r\nHost: x\r\n\r\n", "505" },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task C22_Oversized_or_malformed_requests_get_their_4xx_and_never_a_500(string request, string status)
    {
        var answer = await SendRawAsync(request);
        Assert.StartsWith($"HTTP/1.1 {status}", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C23_Content_length_with_transfer_encoding_does_not_let_a_second_request_through_as_the_body()
    {
        var file = await _user.Client.UploadAsync("doc", "kept"u8.ToArray(), "k.txt");
        var smuggled = $"GET /v1/files/{_user.Canary.FileId}/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {_user.Key}\r\nConnection: close\r\n\r\n";
        var answer = await SendRawAsync(
            $"PUT /v1/documents/doc/files/file?fileName=k.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {_user.Key}\r\n" +
            $"Content-Length: {smuggled.Length + 5}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{smuggled}", toClose: true);

        // Kestrel lets the chunked framing win (an empty body) and then closes the connection, as RFC 9112 §6.1 asks:
        // the bytes behind it are never read as a request.
        var statuses = answer.Split("\r\n").Where(line => line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal)).Select(line => line[9..12]).ToList();
        Assert.True(statuses is ["400"] or ["201"], string.Join(",", statuses));
        var content = await _user.Client.GetStringAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token);
        Assert.Equal(statuses[0] == "400" ? "kept" : "", content);
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n", "400")]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n3;\nxx\r\nabc\r\n0\r\n\r\n", "400")]
    [InlineData("Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcde", "400")]
    [InlineData("Content-Length: -1\r\n\r\n", "400")]
    public async Task C23_Malformed_framing_on_an_upload_is_a_400_not_a_500(string tail, string status)
    {
        var answer = await SendRawAsync($"PUT /v1/documents/doc/files/file?fileName=a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {_user.Key}\r\n{tail}");
        Assert.StartsWith($"HTTP/1.1 {status}", answer, StringComparison.Ordinal);
        Assert.Equal(_before, _user.Blobs());
    }

    [Fact]
    public async Task C23_Kestrel_refusing_bad_chunk_framing_answers_a_problem_titled_with_the_400_reason_phrase()
    {
        var answer = await SendRawAsync(
            $"PUT /v1/documents/doc/files/file?fileName=a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {_user.Key}\r\n" +
            "Transfer-Encoding: chunked\r\n\r\n3;\nxx\r\nabc\r\n0\r\n\r\n",
            untilEnd: true);

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        Assert.Contains("\"title\":\"Bad Request\"", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C23_Malformed_chunked_multipart_is_a_400_not_a_500()
    {
        var answer = await SendRawAsync(
            $"POST /v1/documents/doc/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {_user.Key}\r\n" +
            "Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n--b\r\n0\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task E29_A_json_body_over_8_MiB_is_413()
    {
        var client = _user.Client;
        using var content = new StringContent("{\"title\":\"" + new string('x', 9 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/documents") { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request, NativeApi.Token);
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    /// <summary>
    /// The first bytes of the answer, with <paramref name="untilEnd"/> the answer up to its last chunk, with
    /// <paramref name="toClose"/> every byte until the server closes the connection.
    /// </summary>
    private async Task<string> SendRawAsync(string request, bool untilEnd = false, bool toClose = false)
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
        while (read > 0 && (toClose || (untilEnd && !answer.ToString().EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))));

        Assert.DoesNotContain(_user.Canary.Marker, answer.ToString(), StringComparison.OrdinalIgnoreCase);
        return answer.ToString();
    }
}
