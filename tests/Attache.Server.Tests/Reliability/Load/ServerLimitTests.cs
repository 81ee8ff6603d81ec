using System.Net;
using System.Text;
using Attache.Server.Http;
using Attache.Server.Tests.Api;
using Microsoft.Extensions.Configuration;

namespace Attache.Server.Tests.Reliability.Load;

/// <summary>
/// Each limit of <see cref="ServerLimits"/> as a client meets it on a real Kestrel: the status it answers, or how soon it
/// cuts a connection that goes too slowly. Timeouts are shortened through <c>Attache:Limits</c> so the tests stay short;
/// the defaults themselves are checked against the values docs/security.md gives.
/// </summary>
[Collection(LoadTests.Name)]
public sealed class ServerLimitTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static int Port(AttacheApp app) => app.CreateClient().BaseAddress!.Port;

    [Fact]
    public void The_defaults_are_the_documented_ones_and_not_kestrels()
    {
        var limits = ServerLimits.From(new ConfigurationBuilder().Build());
        Assert.Equal(
            (32 * 1024, 64, 8 * 1024, 8L * 1024 * 1024, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(75), 512d, 512d, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), 4096L, 100),
            (limits.MaxRequestHeadersTotalBytes, limits.MaxRequestHeaderCount, limits.MaxRequestLineBytes, limits.MaxRequestBodyBytes,
             limits.RequestHeadersTimeout, limits.KeepAliveTimeout, limits.MinRequestBodyBytesPerSecond, limits.MinResponseBytesPerSecond,
             limits.DataRateGracePeriod, limits.ResponseStallTimeout, limits.MaxConcurrentConnections, limits.Http2MaxStreamsPerConnection));
    }

    [Theory]
    [InlineData("MaxRequestHeaderCount", "0")]
    [InlineData("RequestHeadersTimeout", "00:00:00")]
    [InlineData("DataRateGracePeriod", "00:00:01")]
    [InlineData("ResponseStallTimeout", "00:00:01")]
    [InlineData("Http2MaxHeaderFieldBytes", "65536")]
    public void A_limit_out_of_range_stops_the_start_naming_its_key(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"Attache:Limits:{key}"] = value }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => ServerLimits.From(configuration));
        Assert.Contains($"Attache:Limits:{key}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C22_Headers_over_32_KiB_in_all_are_431_and_just_under_are_served()
    {
        await using var app = AttacheApp.Kestrel();
        Assert.StartsWith("HTTP/1.1 431", await AnswerAsync(app, $"X-Big: {new string('a', 33 * 1024)}\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", await AnswerAsync(app, $"X-Big: {new string('a', 31 * 1024)}\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task C22_More_than_64_headers_are_431_and_64_are_served()
    {
        await using var app = AttacheApp.Kestrel();
        // Host, Connection and these make the count.
        static string Headers(int count) => string.Concat(Enumerable.Range(0, count).Select(i => $"X-H{i}: v\r\n"));
        Assert.StartsWith("HTTP/1.1 431", await AnswerAsync(app, Headers(63)), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", await AnswerAsync(app, Headers(62)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task C22_A_request_line_over_8_KiB_is_414()
    {
        await using var app = AttacheApp.Kestrel();
        using var connection = await RawConnection.OpenAsync(Port(app));
        await connection.SendAsync($"GET /health?q={new string('a', 9 * 1024)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var (answer, _) = await connection.ReadToEndAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("HTTP/1.1 414", RawConnection.Text(answer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task I55_Headers_trickled_in_are_cut_when_the_headers_timeout_ends()
    {
        await using var app = AttacheApp.Kestrel(new Dictionary<string, string?> { ["Attache:Limits:RequestHeadersTimeout"] = "00:00:02" });
        using var connection = await RawConnection.OpenAsync(Port(app));
        var pieces = new[] { Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: x\r\n") }
            .Concat(Enumerable.Range(0, 40).Select(i => Encoding.ASCII.GetBytes($"X-Slow-{i}: v\r\n")));

        var cut = await connection.TrickleUntilClosedAsync(pieces, TimeSpan.FromMilliseconds(250));

        // Kestrel checks its timeouts once a second: cut between the timeout and two beats after it, not at the end of 10 s.
        Assert.NotNull(cut);
        Assert.InRange(cut.Value, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(5));
        var (answer, closed) = await connection.ReadToEndAsync(TimeSpan.FromSeconds(5));
        Assert.True(closed);
        Assert.StartsWith("HTTP/1.1 408", RawConnection.Text(answer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task I55_An_upload_slower_than_the_minimum_rate_is_cut_after_the_grace_and_leaves_nothing()
    {
        await using var app = AttacheApp.Kestrel(new Dictionary<string, string?>
        {
            ["Attache:Limits:MinRequestBodyBytesPerSecond"] = "1000",
            ["Attache:Limits:DataRateGracePeriod"] = "00:00:02",
        });
        using (var admin = app.CreateAdminClient())
        {
            await admin.CreateDocumentAsync(new { id = "slow" });
        }

        using var connection = await RawConnection.OpenAsync(Port(app));
        await connection.SendAsync(
            $"PUT /v1/documents/slow/files/file?fileName=a.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {AttacheApp.AdminKey}\r\nContent-Length: 100000\r\n\r\n");
        // 40 bytes every 250 ms: 160 B/s, well under 1000 B/s.
        var cut = await connection.TrickleUntilClosedAsync(Enumerable.Repeat(new byte[40], 60), TimeSpan.FromMilliseconds(250));

        Assert.NotNull(cut);
        Assert.InRange(cut.Value, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6));
        using var client = app.CreateAdminClient();
        var files = await (await client.GetAsync("/v1/documents/slow/files", Token)).JsonAsync();
        Assert.DoesNotContain(files.GetProperty("items").EnumerateArray(), file => file.Str("state") == "Ready");
        await WaitForAsync(() => !app.StagingFiles().Any());
    }

    [Fact]
    public async Task I55_A_reader_slower_than_the_minimum_rate_is_cut_after_the_grace()
    {
        await using var app = AttacheApp.Kestrel(new Dictionary<string, string?>
        {
            ["Attache:Limits:MinResponseBytesPerSecond"] = "1000",
            ["Attache:Limits:DataRateGracePeriod"] = "00:00:02",
        });
        const int size = 24 * 1024 * 1024;
        string fileId;
        using (var admin = app.CreateAdminClient())
        {
            await admin.CreateDocumentAsync(new { id = "big" });
            fileId = (await admin.UploadAsync("big", NativeApi.Bytes(size, seed: 3))).Str("id");
        }

        using var connection = await RawConnection.OpenAsync(Port(app), receiveBuffer: 4096);
        await connection.SendAsync($"GET /v1/files/{fileId}/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {AttacheApp.AdminKey}\r\n\r\n");

        // Not reading at all: the socket buffers fill, the server's writes stall, and after the grace it gives up.
        await Task.Delay(TimeSpan.FromSeconds(6), Token);
        var (received, closed) = await connection.ReadToEndAsync(TimeSpan.FromSeconds(20));

        Assert.True(closed);
        Assert.InRange(received.Length, 1, size - 1);
    }

    [Fact]
    public async Task I55_A_reader_that_stops_taking_bytes_is_cut_when_the_stall_timeout_ends_although_the_rate_still_allows_it()
    {
        // The default 512 B/s over everything already buffered would let these readers hold on for minutes.
        await using var app = AttacheApp.Kestrel();
        const int size = 8 * 1024 * 1024;
        string link;
        using (var admin = app.CreateAdminClient())
        {
            await admin.CreateDocumentAsync(new { id = "big" });
            var fileId = (await admin.UploadAsync("big", NativeApi.Bytes(size, seed: 3))).Str("id");
            using var issued = await admin.PostAsync($"/v1/files/{fileId}/links", null, Token);
            link = new Uri((await issued.JsonAsync()).Str("url")).PathAndQuery;
        }

        // Through a presigned link, as a client without credentials would.
        var request = $"GET {link} HTTP/1.1\r\nHost: x\r\n";

        // Not reading while the app's clock moves 29 s: the socket buffers fill and a write of the download waits, but
        // not past the timeout, so once the reader reads again it gets every byte.
        using (var patient = await RawConnection.OpenAsync(Port(app), receiveBuffer: 4096))
        {
            await patient.SendAsync(request + "Connection: close\r\n\r\n");
            await Task.Delay(TimeSpan.FromSeconds(2), Token);
            app.Clock.Advance(TimeSpan.FromSeconds(29));
            await Task.Delay(TimeSpan.FromSeconds(1), Token);
            var (received, closed) = await patient.ReadToEndAsync(TimeSpan.FromSeconds(20));
            Assert.True(closed);
            Assert.Equal(size, received.Length - (received.AsSpan().IndexOf("\r\n\r\n"u8) + 4));
        }

        // A reader that takes the first megabytes fast and then stops: Kestrel's rate check has counted all of them towards
        // the time it allows (about 2 s per KiB at 512 B/s), so past its 10 s grace the connection is still held.
        using var stalled = await RawConnection.OpenAsync(Port(app), receiveBuffer: 4096);
        await stalled.SendAsync(request + "\r\n");
        var taken = 0;
        while (taken < size / 2)
        {
            var bytes = await stalled.ReadSomeBytesAsync(TimeSpan.FromSeconds(10));
            Assert.NotEmpty(bytes);
            taken += bytes.Length;
        }

        await Task.Delay(TimeSpan.FromSeconds(13), Token);
        Assert.NotEmpty(await stalled.ReadSomeBytesAsync(TimeSpan.FromSeconds(5)));
        // Stopped again: the buffers refill and a write of the download waits, until the app's clock passes the timeout.
        await Task.Delay(TimeSpan.FromSeconds(1), Token);
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        await Task.Delay(TimeSpan.FromSeconds(1), Token);
        var (cut, cutClosed) = await stalled.ReadToEndAsync(TimeSpan.FromSeconds(5));

        Assert.True(cutClosed, "the stalled reader was still connected after the stall timeout");
        Assert.InRange(taken + cut.Length, size / 2, size - 1);
    }

    [Fact]
    public async Task I55_Connections_beyond_the_maximum_are_closed_at_once_and_served_again_when_one_ends()
    {
        await using var app = AttacheApp.Kestrel(new Dictionary<string, string?> { ["Attache:Limits:MaxConcurrentConnections"] = "3" });
        var port = Port(app);
        var held = new List<RawConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                // One at a time, each answered once and kept alive: the server has counted it before the next comes.
                var connection = await RawConnection.OpenAsync(port);
                held.Add(connection);
                await connection.SendAsync("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                Assert.StartsWith("HTTP/1.1 200", await connection.ReadSomeAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
            }

            using (var extra = await RawConnection.OpenAsync(port))
            {
                var (answer, closed) = await extra.ReadToEndAsync(TimeSpan.FromSeconds(5));
                Assert.True(closed);
                Assert.Empty(answer);
            }

            held[0].Dispose();
            held.RemoveAt(0);
            await WaitForAsync(async () =>
            {
                try
                {
                    return (await AnswerAsync(app, "")).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
                }
                catch (System.Net.Sockets.SocketException)
                {
                    return false;
                }
            });
        }
        finally
        {
            held.ForEach(connection => connection.Dispose());
        }
    }

    [Fact]
    public async Task A_multipart_part_with_more_than_16_headers_or_8_KiB_of_them_is_400_and_stores_nothing()
    {
        await using var app = AttacheApp.Kestrel();
        using var client = app.CreateAdminClient();
        await client.CreateDocumentAsync(new { id = "parts" });

        foreach (var (count, length) in new[] { (16, 10), (2, 9 * 1024) })
        {
            using var form = new MultipartFormDataContent("b0undary");
            var part = new ByteArrayContent([1, 2, 3]);
            for (var i = 0; i < count; i++)
            {
                part.Headers.TryAddWithoutValidation($"X-Part-{i}", new string('v', length));
            }

            form.Add(part, "file", "a.bin");
            using var response = await client.PostAsync("/v1/documents/parts/files", form, Token);
            var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("body", problem.Str("field"));
        }

        Assert.Empty(app.BlobFiles());
    }

    [Fact]
    public async Task A_token_form_with_more_than_64_fields_is_400_not_500()
    {
        await using var app = AttacheApp.Kestrel();
        using var client = app.CreateClient();
        var fields = new[] { KeyValuePair.Create("grant_type", "client_credentials") }
            .Concat(Enumerable.Range(0, 70).Select(i => KeyValuePair.Create($"f{i}", "v")));
        using var response = await client.PostAsync("/v1/tokens", new FormUrlEncodedContent(fields), Token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>The status line and headers of GET /health sent with <paramref name="headers"/>.</summary>
    private static async Task<string> AnswerAsync(AttacheApp app, string headers)
    {
        using var connection = await RawConnection.OpenAsync(Port(app));
        await connection.SendAsync($"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}\r\n");
        var (answer, _) = await connection.ReadToEndAsync(TimeSpan.FromSeconds(10));
        return RawConnection.Text(answer);
    }

    private static async Task WaitForAsync(Func<bool> condition) => await WaitForAsync(() => Task.FromResult(condition()));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(100, Token);
        }

        Assert.True(await condition());
    }
}
