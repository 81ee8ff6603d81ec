using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.ScaleOut;

namespace Attache.Server.Tests.Http;

/// <summary>
/// X-Accel-Redirect mode with a real nginx in front of a real server process: Attache authorises, answers the
/// conditionals, audits and sets the headers; nginx sends the blob's bytes from the file.
/// </summary>
public sealed class AccelRedirectTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<AccelRedirectFront> StartAsync()
    {
        if (AccelRedirectFront.MissingPart() is { } missing)
        {
            Assert.Skip(missing);
        }

        return await AccelRedirectFront.StartAsync(Token);
    }

    [Fact]
    public async Task Nginx_sends_full_and_ranged_downloads_byte_exact_with_attaches_headers_and_the_download_is_audited()
    {
        await using var front = await StartAsync();
        using var admin = Cluster.Client(front.Front, Cluster.AdminKey);
        await admin.CreateDocumentAsync(new { id = "doc" });
        var content = NativeApi.Bytes((3 * 1024 * 1024) + 17, seed: 11);
        var file = await admin.UploadAsync("doc", content, "Rapport d'été.bin");
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var path = $"/v1/files/{file.Str("id")}/content";

        DateTimeOffset? lastModified;
        using (var direct = Cluster.Client(front.Server.Address, Cluster.AdminKey))
        using (var fromAttache = await direct.GetAsync(path, Token))
        {
            lastModified = fromAttache.Content.Headers.LastModified;
            // What Attache itself answers: no bytes, the blob's place named by its hash, and every header of its own.
            Assert.Equal(HttpStatusCode.OK, fromAttache.StatusCode);
            Assert.Equal($"{AccelRedirectFront.Prefix}{sha[..2]}/{sha[2..4]}/{sha}", fromAttache.Headers.GetValues("X-Accel-Redirect").Single());
            Assert.Empty(await fromAttache.Content.ReadAsByteArrayAsync(Token));
            Assert.Equal($"\"{sha}\"", fromAttache.Headers.ETag?.Tag);
        }

        using var full = await admin.GetAsync(path, Token);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(content, await full.Content.ReadAsByteArrayAsync(Token));
        Assert.False(full.Headers.Contains("X-Accel-Redirect"));
        Assert.Equal($"\"{sha}\"", full.Headers.ETag?.Tag);
        Assert.NotNull(lastModified);
        Assert.Equal(lastModified, full.Content.Headers.LastModified);
        Assert.Equal("application/octet-stream", full.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", full.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Rapport d'été.bin", full.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", full.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("private, no-cache", full.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal("bytes", full.Headers.AcceptRanges.Single());

        using (var request = new HttpRequestMessage(HttpMethod.Get, path))
        {
            request.Headers.Range = new RangeHeaderValue(1_000_000, 1_000_099);
            using var ranged = await admin.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
            Assert.Equal(content.AsSpan(1_000_000, 100).ToArray(), await ranged.Content.ReadAsByteArrayAsync(Token));
            Assert.Equal($"bytes 1000000-1000099/{content.Length}", ranged.Content.Headers.ContentRange?.ToString());
            Assert.Equal($"\"{sha}\"", ranged.Headers.ETag?.Tag);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, path))
        {
            request.Headers.Range = new RangeHeaderValue();
            request.Headers.Range.Ranges.Add(new RangeItemHeaderValue(0, 9));
            request.Headers.Range.Ranges.Add(new RangeItemHeaderValue(null, 10));
            using var multipart = await admin.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.PartialContent, multipart.StatusCode);
            Assert.Equal("multipart/byteranges", multipart.Content.Headers.ContentType?.MediaType);
            var body = await multipart.Content.ReadAsByteArrayAsync(Token);
            Assert.Contains($"Content-Range: bytes {content.Length - 10}-{content.Length - 1}/{content.Length}", System.Text.Encoding.Latin1.GetString(body), StringComparison.Ordinal);
        }

        // Conditionals are Attache's: a 304 for the hash ETag, and a request that passes them still gets the bytes.
        using (var request = new HttpRequestMessage(HttpMethod.Get, path))
        {
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{sha}\""));
            using var notModified = await admin.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(Token));
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, path))
        {
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
            request.Headers.IfModifiedSince = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var modified = await admin.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
            Assert.Equal(content, await modified.Content.ReadAsByteArrayAsync(Token));
        }

        // If-Match and If-Range, which nginx would judge by its own validators, are answered by Attache itself.
        using (var request = new HttpRequestMessage(HttpMethod.Get, path))
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{sha}\""));
            request.Headers.Range = new RangeHeaderValue(5, 9);
            request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue($"\"{sha}\""));
            using var matched = await admin.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.PartialContent, matched.StatusCode);
            Assert.Equal(content.AsSpan(5, 5).ToArray(), await matched.Content.ReadAsByteArrayAsync(Token));
        }

        // A Range this engine ignores is a whole 200, not nginx's 416.
        using (var request = new HttpRequestMessage(HttpMethod.Get, path))
        {
            request.Headers.TryAddWithoutValidation("Range", "bytes=abc");
            using var ignored = await admin.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
            Assert.Equal(content.Length, (await ignored.Content.ReadAsByteArrayAsync(Token)).Length);
        }

        using (var head = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), Token))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(content.Length, head.Content.Headers.ContentLength);
            Assert.False(head.Headers.Contains("X-Accel-Redirect"));
        }

        var downloads = await AuditedDownloadsAsync(admin, file.Str("id"), atLeast: 7);
        var handedOver = downloads.Where(d => d.GetProperty("detail").GetString()?.Contains("X-Accel-Redirect", StringComparison.Ordinal) == true).ToList();
        Assert.Contains(handedOver, d => d.GetProperty("bytes").GetInt64() == content.Length && d.GetProperty("status").GetInt32() == 200 && d.Str("principal") == "admin");
        Assert.Contains(handedOver, d => d.GetProperty("range").GetString() == "1000000-1000099" && d.GetProperty("bytes").GetInt64() == 100);
    }

    [Fact]
    public async Task An_unauthorised_request_gets_no_bytes_and_the_internal_location_is_not_reachable_from_outside()
    {
        await using var front = await StartAsync();
        using var admin = Cluster.Client(front.Front, Cluster.AdminKey);
        await admin.CreateDocumentAsync(new { id = "secret" });
        var content = NativeApi.Bytes(4096, seed: 12);
        var file = await admin.UploadAsync("secret", content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var path = $"/v1/files/{file.Str("id")}/content";

        using (var created = await admin.PostAsJsonAsync("/v1/principals", new { name = "eve", password = "eve-password-123" }, Token))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        string eveKey;
        using (var issued = await admin.PostAsync("/v1/principals/eve/api-keys", null, Token))
        {
            eveKey = (await issued.JsonAsync()).Str("key");
        }

        using var anonymous = Cluster.Client(front.Front);
        using var eve = Cluster.Client(front.Front, eveKey);
        foreach (var (client, status) in new[] { (anonymous, HttpStatusCode.Unauthorized), (eve, HttpStatusCode.NotFound) })
        {
            using var refused = await client.GetAsync(path, Token);
            Assert.Equal(status, refused.StatusCode);
            Assert.False(refused.Headers.Contains("X-Accel-Redirect"));
            AssertHoldsNone(content, await refused.Content.ReadAsByteArrayAsync(Token));
        }

        foreach (var outside in new[] { $"{AccelRedirectFront.Prefix}{sha[..2]}/{sha[2..4]}/{sha}", $"{AccelRedirectFront.Prefix}", "/_attache/blobs/../blobs/" + sha })
        {
            using var direct = await admin.GetAsync(outside, Token);
            Assert.NotEqual(HttpStatusCode.OK, direct.StatusCode);
            AssertHoldsNone(content, await direct.Content.ReadAsByteArrayAsync(Token));
        }

        // A client cannot smuggle its own redirect through: Attache never copies one from a request.
        using var smuggled = new HttpRequestMessage(HttpMethod.Get, path);
        smuggled.Headers.TryAddWithoutValidation("X-Accel-Redirect", $"{AccelRedirectFront.Prefix}{sha[..2]}/{sha[2..4]}/{sha}");
        using var smuggledResponse = await eve.SendAsync(smuggled, Token);
        Assert.Equal(HttpStatusCode.NotFound, smuggledResponse.StatusCode);
        AssertHoldsNone(content, await smuggledResponse.Content.ReadAsByteArrayAsync(Token));
    }

    // Not even a part of the blob: its first 64 bytes appear nowhere in the body.
    private static void AssertHoldsNone(byte[] content, byte[] body) =>
        Assert.True(body.AsSpan().IndexOf(content.AsSpan(0, 64)) < 0, "the response carries the blob's bytes");

    private static async Task<List<JsonElement>> AuditedDownloadsAsync(HttpClient admin, string fileId, int atLeast)
    {
        // The audit writer stores its queue in batches off the request path.
        for (var attempt = 0; ; attempt++)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/v1/audit?action=download&file={fileId}&limit=1000", Token);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            if (items.Count >= atLeast || attempt == 100)
            {
                return items;
            }

            await Task.Delay(100, Token);
        }
    }
}

