using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.ScaleOut;

/// <summary>
/// Two real server processes on one PostgreSQL database and one S3 prefix, behind nginx: whatever one node stores or
/// issues, the other serves or accepts, and a node killed mid-run loses nothing it acknowledged.
/// </summary>
public sealed class TwoNodeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<Cluster> StartAsync()
    {
        var missing = Cluster.MissingPart();
        if (missing is not null)
        {
            Assert.Skip(missing);
        }

        return await Cluster.StartAsync(Token);
    }

    [Fact]
    public async Task A_file_uploaded_through_one_node_downloads_byte_exact_through_the_other_and_the_balancer()
    {
        await using var cluster = await StartAsync();
        using var first = Cluster.Client(cluster.First.Address, Cluster.AdminKey);
        using var second = Cluster.Client(cluster.Second.Address, Cluster.AdminKey);
        using var balancer = Cluster.Client(cluster.Balancer, Cluster.AdminKey);

        // Larger than one S3 part, so the second node reads an object the first assembled from several.
        var content = NativeApi.Bytes((S3Blobs.PartSize * 2) + 12345, seed: 7);
        await first.CreateDocumentAsync(new { id = "shared" });
        var file = await first.UploadAsync("shared", content, "report.bin");

        Assert.Equal(content, await second.GetByteArrayAsync($"/v1/files/{file.Str("id")}/content", Token));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), (await second.GetFromJsonAsync<JsonElement>($"/v1/files/{file.Str("id")}", Token)).Str("sha256"));

        // A range through the other node comes from the same object.
        using (var range = new HttpRequestMessage(HttpMethod.Get, $"/v1/files/{file.Str("id")}/content"))
        {
            range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(S3Blobs.PartSize - 10, S3Blobs.PartSize + 9);
            using var partial = await second.SendAsync(range, Token);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(content.AsSpan(S3Blobs.PartSize - 10, 20).ToArray(), await partial.Content.ReadAsByteArrayAsync(Token));
        }

        // Round-robin: two requests in a row through nginx reach both nodes, and both serve the same bytes.
        var upstreams = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await balancer.GetAsync($"/v1/files/{file.Str("id")}/content", Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(content, await response.Content.ReadAsByteArrayAsync(Token));
            upstreams.Add(response.Headers.GetValues("X-Upstream").Single());
        }

        Assert.Equal(
            new[] { cluster.First.Address.Authority, cluster.Second.Address.Authority }.Order(),
            upstreams.Order());

        // A second version stored through the other node is the one both now serve.
        var second_version = NativeApi.Bytes(1000, seed: 8);
        await second.UploadAsync("shared", second_version, "report.bin");
        Assert.Equal(second_version, await first.GetByteArrayAsync($"/v1/files/{file.Str("id")}/content", Token));
        Assert.Equal(content, await first.GetByteArrayAsync($"/v1/files/{file.Str("id")}/versions/1/content", Token));
    }

    [Fact]
    public async Task A_session_an_access_token_and_a_presigned_link_made_on_one_node_are_accepted_by_the_other()
    {
        await using var cluster = await StartAsync();
        using var first = Cluster.Client(cluster.First.Address, Cluster.AdminKey);
        using var second = Cluster.Client(cluster.Second.Address);
        using var anonymousFirst = Cluster.Client(cluster.First.Address);

        await first.CreateDocumentAsync(new { id = "doc" });
        var content = NativeApi.Bytes(4096, seed: 3);
        var file = await first.UploadAsync("doc", content);
        var contentPath = $"/v1/files/{file.Str("id")}/content";
        await first.PostAsJsonAsync("/v1/principals", new { name = "ada", password = "ada-password-1", groups = new[] { "admin" } }, Token);
        await first.PostAsJsonAsync("/v1/principals", new { name = "robot", kind = "client", clientId = "robot-id", clientSecret = "robot-secret-0123456789", groups = new[] { "admin" } }, Token);

        // Session: signed in on the first node, the cookie works on the second; signed out on the second, it stops on the first.
        using var signIn = await anonymousFirst.PostAsJsonAsync("/v1/sessions", new { name = "ada", password = "ada-password-1" }, Token);
        Assert.Equal(HttpStatusCode.Created, signIn.StatusCode);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        Assert.StartsWith("__Host-attache_session=", cookie, StringComparison.Ordinal);
        Assert.Equal(content, await SendAsync(second, HttpMethod.Get, contentPath, cookie: cookie, expect: HttpStatusCode.OK));
        await SendAsync(second, HttpMethod.Get, contentPath, cookie: cookie + "x", expect: HttpStatusCode.Unauthorized);
        await SendAsync(second, HttpMethod.Delete, "/v1/sessions", cookie: cookie, expect: HttpStatusCode.NoContent);
        await SendAsync(anonymousFirst, HttpMethod.Get, contentPath, cookie: cookie, expect: HttpStatusCode.Unauthorized);

        // Access token: issued by the first node, honoured by the second (one signing key, kept in the database).
        using var tokenResponse = await anonymousFirst.PostAsJsonAsync("/v1/tokens", new { clientId = "robot-id", clientSecret = "robot-secret-0123456789" }, Token);
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        var accessToken = (await tokenResponse.JsonAsync()).Str("access_token");
        Assert.Equal(content, await SendAsync(second, HttpMethod.Get, contentPath, bearer: accessToken, expect: HttpStatusCode.OK));
        var tampered = accessToken[..^2] + (accessToken[^2] == 'A' ? "B" : "A") + accessToken[^1];
        await SendAsync(second, HttpMethod.Get, contentPath, bearer: tampered, expect: HttpStatusCode.Unauthorized);

        // API key: made on the second node, revoked on the first, refused by the second at once.
        using (var keyResponse = await first.PostAsync("/v1/principals/robot/api-keys", null, Token))
        {
            var key = await keyResponse.JsonAsync();
            Assert.Equal(content, await SendAsync(second, HttpMethod.Get, contentPath, bearer: key.Str("key"), expect: HttpStatusCode.OK));
            using var revoke = await first.DeleteAsync($"/v1/principals/robot/api-keys/{key.Str("id")}", Token);
            Assert.True(revoke.IsSuccessStatusCode, revoke.StatusCode.ToString());
            await SendAsync(second, HttpMethod.Get, contentPath, bearer: key.Str("key"), expect: HttpStatusCode.Unauthorized);
        }

        // Presigned link: signed on the first node, served by the second without any other credential.
        using var linkResponse = await first.PostAsJsonAsync($"/v1/files/{file.Str("id")}/links", new { ttlSeconds = 600 }, Token);
        Assert.Equal(HttpStatusCode.OK, linkResponse.StatusCode);
        var link = new Uri((await linkResponse.JsonAsync()).Str("url"), UriKind.RelativeOrAbsolute);
        var linkPath = link.IsAbsoluteUri ? link.PathAndQuery : link.OriginalString;
        Assert.Equal(content, await SendAsync(second, HttpMethod.Get, linkPath, expect: HttpStatusCode.OK));
        var forged = linkPath[..^1] + (linkPath[^1] == 'A' ? "B" : "A");
        var forgedStatus = await StatusAsync(second, forged);
        Assert.True(forgedStatus is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, forgedStatus.ToString());
    }

    [Fact]
    public async Task A_node_killed_mid_run_loses_no_acknowledged_upload()
    {
        await using var cluster = await StartAsync();
        using var admin = Cluster.Client(cluster.Second.Address, Cluster.AdminKey);
        const int Writers = 4;
        for (var w = 0; w < Writers; w++)
        {
            await admin.CreateDocumentAsync(new { id = $"writer-{w}" });
        }

        var acknowledged = new ConcurrentBag<(string FileId, string Sha256, string Upstream)>();
        var failures = 0;
        var killed = new TaskCompletionSource();
        var acknowledgedAfterKill = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);

        async Task WriteAsync(int writer)
        {
            // A client of its own, so each writer keeps its own connections to nginx.
            using var balancer = Cluster.Client(cluster.Balancer, Cluster.AdminKey);
            var random = new Random(writer);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var content = new byte[random.Next(1, 600_000)];
                random.NextBytes(content);
                try
                {
                    using var response = await balancer.PutFileAsync($"writer-{writer}", content, $"f{n}.bin", slot: $"s{n}");
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        Interlocked.Increment(ref failures);
                        continue;
                    }

                    var file = await response.JsonAsync();
                    acknowledged.Add((file.Str("id"), Convert.ToHexStringLower(SHA256.HashData(content)), response.Headers.GetValues("X-Upstream").Single()));
                    if (killed.Task.IsCompleted)
                    {
                        Interlocked.Increment(ref acknowledgedAfterKill);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    // An upload in flight when its node died: never acknowledged, so it may be lost.
                    Interlocked.Increment(ref failures);
                }
            }
        }

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(w), Token)).ToArray();
        var clock = Stopwatch.StartNew();
        while (acknowledged.Count(a => a.Upstream == cluster.First.Address.Authority) < 10 && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20, Token);
        }

        await cluster.First.KillAsync();
        killed.SetResult();
        while (Volatile.Read(ref acknowledgedAfterKill) < 20 && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(20, Token);
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var byFirst = acknowledged.Count(a => a.Upstream == cluster.First.Address.Authority);
        Assert.True(byFirst >= 10, $"only {byFirst} uploads went through the first node before it was killed");
        Assert.True(acknowledgedAfterKill >= 20, $"only {acknowledgedAfterKill} uploads were acknowledged after the kill ({failures} failed)");

        // Everything acknowledged, through either node, downloads byte-exact from the survivor.
        foreach (var (fileId, sha256, _) in acknowledged)
        {
            using var response = await admin.GetAsync($"/v1/files/{fileId}/content", HttpCompletionOption.ResponseHeadersRead, Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync(Token);
            Assert.Equal(sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(body, Token)));
        }
    }

    private static async Task<byte[]> SendAsync(HttpClient client, HttpMethod method, string path, HttpStatusCode expect, string? cookie = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await client.SendAsync(request, Token);
        Assert.Equal(expect, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Token);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Token);
        return response.StatusCode;
    }
}
