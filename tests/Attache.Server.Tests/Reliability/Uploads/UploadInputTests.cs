using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Reliability.Uploads;

/// <summary>
/// Reliability cases E29–E33 and E38 (reliability.md §3 E) that need no socket: a user uploads into her own document,
/// with another owner's canary she may not read; every refused upload leaves no trace (no new blob, no version).
/// Not applicable here: E35 (the server has no resumable, offset-based uploads: a body is one request, and a cut
/// one leaves nothing, see <see cref="KestrelUploadTests"/>). E38: the server does not decompress request bodies,
/// so a <c>Content-Encoding: gzip</c> body is stored as the bytes sent, never inflated (no bomb can grow in it).
/// </summary>
public sealed class UploadInputTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new(new Dictionary<string, string?> { ["Attache:Uploads:MaxBytes"] = "2000000" });
    private WatchedUser _user = null!;
    private HttpClient _client = null!;
    private HashSet<string> _before = null!;

    public async ValueTask InitializeAsync()
    {
        _user = await WatchedUser.StartAsync(_app);
        _client = _user.Client;
        _before = _user.Blobs();
    }

    public async ValueTask DisposeAsync()
    {
        _user.AssertClean();
        _user.Dispose();
        await _app.DisposeAsync();
    }

    private async Task AssertNoTraceAsync()
    {
        Assert.Equal(_before, _user.Blobs());
        Assert.Empty(_app.StagingFiles());
        var files = await (await _client.GetAsync("/v1/documents/doc/files", NativeApi.Token)).JsonAsync();
        Assert.All(files.GetProperty("items").EnumerateArray(), file => Assert.NotEqual("ReadyForDownloadFromServerToClient", file.Str("state")));
    }

    [Fact]
    public async Task E29_A_body_over_the_limit_is_413_and_leaves_no_trace()
    {
        using var response = await _client.PutFileAsync("doc", new byte[2_000_001], "big.bin");
        Assert.Equal(2_000_000, (await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge)).GetProperty("limitBytes").GetInt64());

        var files = await (await _client.GetAsync("/v1/documents/doc/files", NativeApi.Token)).JsonAsync();
        Assert.Equal(0, files.GetProperty("items").GetArrayLength());
        Assert.Equal(_before, _user.Blobs());
    }

    [Fact]
    public async Task E29_A_body_of_exactly_the_limit_is_accepted()
    {
        using var response = await _client.PutFileAsync("doc", new byte[2_000_000], "edge.bin");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain", "x")]
    [InlineData("multipart/form-data", "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\nabc\r\n--x--\r\n")]
    [InlineData("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\nabc")]
    [InlineData("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc\r\n--x--\r\n")]
    [InlineData("multipart/form-data; boundary=x", "garbage without any boundary")]
    public async Task E30_Malformed_multipart_is_a_bad_request_not_a_server_error(string contentType, string body)
    {
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await _client.PostAsync("/v1/documents/doc/files", content, NativeApi.Token);
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task E30_A_boundary_longer_than_128_characters_is_a_bad_request()
    {
        var boundary = new string('b', 129);
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes($"--{boundary}\r\n\r\n--{boundary}--\r\n"));
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");
        using var response = await _client.PostAsync("/v1/documents/doc/files", content, NativeApi.Token);
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("C:\\fakepath\\report.txt", "report.txt")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("a\u202Etxt.exe", "atxt.exe")]
    [InlineData("trailing. . ", "trailing")]
    public async Task E31_Uploaded_file_names_are_sanitised(string raw, string stored)
    {
        var file = await _client.UploadAsync("doc", [1], raw);
        Assert.Equal(stored, file.Str("fileName"));
    }

    [Fact]
    public async Task E31_A_name_with_nothing_usable_is_a_bad_request()
    {
        using var response = await _client.PutFileAsync("doc", [1], "..");
        Assert.Equal("fileName", (await response.ProblemAsync(HttpStatusCode.BadRequest)).Str("field"));
    }

    [Fact]
    public async Task E32_A_sha256_mismatch_is_422_naming_both_values_and_leaves_nothing_downloadable()
    {
        var declared = new string('a', 64);
        var content = "hello"u8.ToArray();
        using var response = await _client.PutFileAsync("doc", content, "h.txt", configure: r => r.Headers.Add("x-attache-sha256", declared));

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(declared, problem.Str("declared"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), problem.Str("computed"));

        var files = await (await _client.GetAsync("/v1/documents/doc/files", NativeApi.Token)).JsonAsync();
        var file = files.GetProperty("items")[0];
        Assert.Equal("ChecksumVerificationOnServerSideMismatch", file.Str("state"));
        using var download = await _client.GetAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token);
        Assert.Equal("ChecksumVerificationOnServerSideMismatch", (await download.ProblemAsync(HttpStatusCode.Conflict)).Str("state"));
        Assert.Equal(_before, _user.Blobs());
    }

    [Fact]
    public async Task E32_An_md5_mismatch_in_content_md5_is_422()
    {
        using var response = await _client.PutFileAsync("doc", "hello"u8.ToArray(), "h.txt",
            configure: r => r.Content!.Headers.ContentMD5 = MD5.HashData("other"u8.ToArray()));
        Assert.Equal("MD5", (await response.ProblemAsync(HttpStatusCode.UnprocessableEntity)).Str("algorithm"));
    }

    [Fact]
    public async Task E32_Correct_checksums_in_every_header_form_are_accepted()
    {
        var content = "checked"u8.ToArray();
        var sha = SHA256.HashData(content);
        using var response = await _client.PutFileAsync("doc", content, "c.txt", configure: r =>
        {
            r.Content!.Headers.ContentMD5 = MD5.HashData(content);
            r.Headers.Add("x-attache-sha256", Convert.ToBase64String(sha));
            r.Headers.Add("Repr-Digest", $"sha-256=:{Convert.ToBase64String(sha)}:, md5=:{Convert.ToBase64String(MD5.HashData(content))}:");
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("Content-MD5", "YWJyYWNhZGFicmE=")]
    [InlineData("x-attache-sha256", "not-a-digest")]
    [InlineData("Repr-Digest", "sha-256=abc")]
    [InlineData("Repr-Digest", "sha-256=:YWJj:")]
    public async Task E32_A_malformed_checksum_header_is_a_bad_request(string header, string value)
    {
        using var response = await _client.PutFileAsync("doc", [1, 2], "x.bin",
            configure: r => Assert.True(r.Headers.TryAddWithoutValidation(header, value) || r.Content!.Headers.TryAddWithoutValidation(header, value)));
        Assert.Equal(header, (await response.ProblemAsync(HttpStatusCode.BadRequest)).Str("field"));
    }

    [Fact]
    public async Task E32_A_multipart_part_checksum_is_verified()
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent("abc"u8.ToArray());
        part.Headers.ContentMD5 = MD5.HashData("xyz"u8.ToArray());
        form.Add(part, "file", "a.txt");

        using var response = await _client.PostAsync("/v1/documents/doc/files", form, NativeApi.Token);
        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    public static TheoryData<string, string> MalformedMultipart() => new()
    {
        { "only the closing delimiter", "--x--\r\n" },
        { "part without Content-Disposition", "--x\r\nContent-Type: text/plain\r\n\r\nabc\r\n--x--\r\n" },
        { "17 part headers", "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n"
            + string.Concat(Enumerable.Range(0, 16).Select(i => $"X-H{i}: v\r\n")) + "\r\nabc\r\n--x--\r\n" },
        { "a part header over 16 KB", "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nX-Big: "
            + new string('h', 17 * 1024) + "\r\n\r\nabc\r\n--x--\r\n" },
        { "a part cut off mid-body", "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nab" },
    };

    [Theory]
    [MemberData(nameof(MalformedMultipart))]
    public async Task E30_Broken_multipart_framing_is_400_and_leaves_no_trace(string what, string body)
    {
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=x");
        using var response = await _client.PostAsync("/v1/documents/doc/files", content, NativeApi.Token);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode}");
        await AssertNoTraceAsync();
    }

    [Fact]
    public async Task E30_A_missing_final_boundary_is_400_and_keeps_only_the_complete_part_before_it_as_documented()
    {
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(
            "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nabc\r\n--x\r\n" +
            "Content-Disposition: form-data; name=\"f\"; filename=\"b.txt\"\r\n\r\ncut"));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=x");
        using var response = await _client.PostAsync("/v1/documents/doc/files", content, NativeApi.Token);
        await response.ProblemAsync(HttpStatusCode.BadRequest);

        var files = await (await _client.GetAsync("/v1/documents/doc/files", NativeApi.Token)).JsonAsync();
        var kept = Assert.Single(files.GetProperty("items").EnumerateArray());
        Assert.Equal("a.txt", kept.Str("fileName"));
        Assert.Equal("abc", await _client.GetStringAsync($"/v1/files/{kept.Str("id")}/content", NativeApi.Token));
        Assert.Single(_user.Blobs().Except(_before));
        Assert.Empty(_app.StagingFiles());
    }

    [Fact]
    public async Task E30_A_form_without_a_file_part_is_400_and_an_empty_file_part_stores_an_empty_file()
    {
        using (var fields = new MultipartFormDataContent("x") { { new StringContent("just a field"), "note" } })
        using (var response = await _client.PostAsync("/v1/documents/doc/files", fields, NativeApi.Token))
        {
            await response.ProblemAsync(HttpStatusCode.BadRequest);
        }

        await AssertNoTraceAsync();
        using var form = new MultipartFormDataContent("x") { { new ByteArrayContent([]), "file", "empty.txt" }, { new ByteArrayContent([7]), "file", "one.txt" } };
        using var stored = await _client.PostAsync("/v1/documents/doc/files", form, NativeApi.Token);
        var items = (await stored.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([0L, 1L], items.Select(i => i.GetProperty("size").GetInt64()));
        Assert.Empty(await _client.GetByteArrayAsync($"/v1/files/{items[0].Str("id")}/content", NativeApi.Token));
    }

    public static TheoryData<string, string?> HostileNames() => new()
    {
        { "a\0b.txt", "ab.txt" },
        { "a\r\nSet-Cookie: x=1.txt", "aSet-Cookie: x=1.txt" },
        { "in\u2066voice\u2069.txt", "invoice.txt" },
        { "\u202Areport\u202C.txt", "report.txt" },
        { "dir/sub/name.txt", "name.txt" },
        { "dir\\sub\\name.txt", "name.txt" },
        { "..", null },
        { "../..", null },
        { "CON", "CON" },
        { "nul.txt", "nul.txt" },
        { "trail. ", "trail" },
        { "e\u0301t\u00e9.txt", "\u00e9t\u00e9.txt" },
        { "photo.jpg.php", "photo.jpg.php" },
        { "shell.php%00.jpg", "shell.php%00.jpg" },
        { new string('\u00e9', 200) + ".txt", null },
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task E31_Hostile_names_are_cleaned_or_refused_and_never_name_the_stored_bytes(string raw, string? stored)
    {
        var content = Encoding.UTF8.GetBytes("named " + raw);
        using var response = await _client.PutFileAsync("doc", content, raw);
        if (stored is null && raw.StartsWith("..", StringComparison.Ordinal))
        {
            Assert.Equal("fileName", (await response.ProblemAsync(HttpStatusCode.BadRequest)).Str("field"));
            await AssertNoTraceAsync();
            return;
        }

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var name = (await response.JsonAsync()).Str("fileName");
        if (stored is not null)
        {
            Assert.Equal(stored, name);
        }
        else
        {
            // Over 255 UTF-8 bytes: cut to at most 255 on a character boundary.
            Assert.InRange(Encoding.UTF8.GetByteCount(name), 1, 255);
            Assert.StartsWith("\u00e9\u00e9", name, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(name, c => char.IsControl(c) || c is '/' or '\\' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'));
        Assert.Equal(name.Normalize(NormalizationForm.FormC), name);
        var blob = Convert.ToHexStringLower(SHA256.HashData(content));
        Assert.All(_user.Blobs().Except(_before), path => Assert.Equal(blob, Path.GetFileName(path).Split('.')[0]));
    }

    [Fact]
    public async Task E32_A_correct_digest_makes_the_file_ready_and_the_download_hashes_to_it()
    {
        var content = NativeApi.Bytes(70_000, seed: 32);
        var sha = SHA256.HashData(content);
        using var response = await _client.PutFileAsync("doc", content, "d.bin", configure: r => r.Headers.Add("x-attache-sha256", Convert.ToHexStringLower(sha)));
        var file = await response.JsonAsync();
        Assert.Equal("ReadyForDownloadFromServerToClient", file.Str("state"));
        var downloaded = await _client.GetByteArrayAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token);
        Assert.Equal(sha, SHA256.HashData(downloaded));
    }

    [Fact]
    public async Task E33_A_file_in_a_mismatch_state_gives_no_bytes_to_GET_HEAD_a_range_or_its_versions()
    {
        using var bad = await _client.PutFileAsync("doc", "bad"u8.ToArray(), "m.txt", configure: r => r.Headers.Add("x-attache-sha256", new string('0', 64)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var file = (await (await _client.GetAsync("/v1/documents/doc/files", NativeApi.Token)).JsonAsync()).GetProperty("items")[0];
        var content = $"/v1/files/{file.Str("id")}/content";
        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Get, content),
            new HttpRequestMessage(HttpMethod.Head, content),
            new HttpRequestMessage(HttpMethod.Get, content) { Headers = { Range = new RangeHeaderValue(0, 1) } },
            new HttpRequestMessage(HttpMethod.Get, content) { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("application/pdf") } } },
        })
        {
            using (request)
            using (var response = await _client.SendAsync(request, NativeApi.Token))
            {
                Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
                Assert.Null(response.Content.Headers.ContentRange);
                Assert.DoesNotContain("bad", await response.Content.ReadAsStringAsync(NativeApi.Token), StringComparison.Ordinal);
            }
        }

        using var version = await _client.GetAsync($"/v1/files/{file.Str("id")}/versions/1/content", NativeApi.Token);
        Assert.Equal(HttpStatusCode.NotFound, version.StatusCode);
        await AssertNoTraceAsync();
    }

    [Fact]
    public async Task E38_A_gzip_encoded_body_is_stored_as_sent_and_never_inflated()
    {
        using var packed = new MemoryStream();
        await using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(new byte[10 * 1024 * 1024], NativeApi.Token);
        }

        var sent = packed.ToArray();
        using var response = await _client.PutFileAsync("doc", sent, "zeros.gz", configure: r => r.Content!.Headers.ContentEncoding.Add("gzip"));
        var file = await response.JsonAsync();
        Assert.Equal(sent.Length, file.GetProperty("size").GetInt64());
        Assert.Equal(sent, await _client.GetByteArrayAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token));

        using var unknown = await _client.PutFileAsync("doc", [1, 2, 3], "x.bin", "other", configure: r => r.Content!.Headers.ContentEncoding.Add("x-unknown"));
        Assert.Equal(3, (await unknown.JsonAsync()).GetProperty("size").GetInt64());
    }
}
