using System.Net;
using System.Security.Cryptography;
using Attache.Core.Downloads;
using Microsoft.Extensions.Logging;

namespace Attache.Server.Tests.Http;

/// <summary>Real sockets: byte-exact bodies of every size, aborted clients, blobs that break mid-way.</summary>
public sealed class KestrelDownloadTests : IAsyncLifetime
{
    private const long Large = 200L * 1024 * 1024;

    private DownloadHost _local = null!;
    private DownloadHost _streamed = null!;

    public async ValueTask InitializeAsync()
    {
        _local = await DownloadHost.StartAsync(kestrel: true, localPaths: true, TestContext.Current.CancellationToken);
        _streamed = await DownloadHost.StartAsync(kestrel: true, localPaths: false, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _local.DisposeAsync();
        await _streamed.DisposeAsync();
    }

    private DownloadHost Host(bool localPaths) => localPaths ? _local : _streamed;

    private static async Task<DownloadPlan> AddGeneratedAsync(DownloadHost host, string name, long size)
    {
        var key = await host.Store.AddGeneratedAsync(size, seed: (int)(size % int.MaxValue), TestContext.Current.CancellationToken);
        return host.Register(name, new DownloadPlan(name, 1, key, size, key, "", DownloadHost.LastModified, "application/octet-stream", name + ".bin"));
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 0)]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(true, 65_535)]
    [InlineData(true, 65_537)]
    [InlineData(true, 1024 * 1024)]
    [InlineData(false, 1024 * 1024)]
    [InlineData(false, (1024 * 1024) + 1)]
    public async Task Full_downloads_are_byte_exact(bool localPaths, int size)
    {
        var host = Host(localPaths);
        var plan = await AddGeneratedAsync(host, $"size-{size}", size);

        using var response = await host.Client.GetAsync($"/blob/{plan.FileId}", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(size, response.Content.Headers.ContentLength);
        Assert.Equal(plan.Sha256, Convert.ToHexStringLower(SHA256.HashData(body)));
    }

    [Fact]
    public async Task A_200_MiB_file_streams_byte_exact_with_its_length_and_hash()
    {
        var plan = await AddGeneratedAsync(_local, "large", Large);

        using var response = await _local.Client.GetAsync("/blob/large", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Large, response.Content.Headers.ContentLength);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var buffer = new byte[256 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        Assert.Equal(Large, total);
        Assert.Equal(plan.Sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ranges_of_a_large_file_are_the_exact_slices(bool localPaths)
    {
        const int size = (8 * 1024 * 1024) + 3;
        var host = Host(localPaths);
        var plan = await AddGeneratedAsync(host, "eight-mib-" + localPaths, size);
        var all = TestBlobStore.Generate(size, size).SelectMany(chunk => chunk.ToArray()).ToArray();

        var single = await host.RawAsync("GET", $"/blob/{plan.FileId}", ("Range", "bytes=3145728-5242880"));
        var multi = await host.RawAsync("GET", $"/blob/{plan.FileId}", ("Range", $"bytes=100-199999,{size - 70000}-,-5"));

        Assert.Equal(206, single.Status);
        Assert.Equal($"bytes 3145728-5242880/{size}", single.Header("Content-Range"));
        Assert.Equal(all[3145728..5242881], single.Body);
        Assert.Equal(206, multi.Status);
        Assert.Equal(multi.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), multi.Header("Content-Length"));
        var parts = await Responses.PartsAsync(multi.Body, System.Net.Http.Headers.MediaTypeHeaderValue.Parse(multi.Header("Content-Type")!));
        Assert.Equal([$"bytes 100-199999/{size}", $"bytes {size - 70000}-{size - 1}/{size}"], parts.Select(p => p.ContentRange));
        Assert.Equal(all[100..200000], parts[0].Body);
        Assert.Equal(all[(size - 70000)..], parts[1].Body);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_that_leaves_mid_download_does_not_hurt_the_server(bool localPaths)
    {
        var host = Host(localPaths);
        var plan = await AddGeneratedAsync(host, "abandoned-" + localPaths, 64L * 1024 * 1024);
        host.Add("after", "testcontent");

        using (var response = await host.Client.GetAsync($"/blob/{plan.FileId}", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken))
        {
            await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
            var buffer = new byte[1024 * 1024];
            await body.ReadAtLeastAsync(buffer, buffer.Length, cancellationToken: TestContext.Current.CancellationToken);
        }

        for (var i = 0; i < 100 && !host.Logs.Entries.Any(e => e.Message.StartsWith("Client went away", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Debug && e.Message.StartsWith("Client went away", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Error || (e.Level >= LogLevel.Warning && e.Category.StartsWith("Attache", StringComparison.Ordinal)));
        var next = await host.RawAsync("GET", "/blob/after");
        Assert.Equal(200, next.Status);
        Assert.Equal("testcontent", next.Text);
    }

    [Fact]
    public async Task A_local_blob_of_another_length_than_its_plan_is_a_500_before_any_header()
    {
        var host = Host(true);
        var real = await AddGeneratedAsync(host, "short-real-local", 100_000);
        host.Register("short-local", real with { FileId = "short-local", Length = 300_000 });

        using var response = await host.Client.GetAsync("/blob/short-local", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Null(response.Headers.ETag);
    }

    [Fact]
    public async Task A_streamed_blob_shorter_than_its_plan_breaks_the_connection_instead_of_ending_cleanly()
    {
        const bool localPaths = false;
        var host = Host(localPaths);
        var real = await AddGeneratedAsync(host, "short-real-" + localPaths, 100_000);
        host.Register("short-" + localPaths, real with { FileId = "short-" + localPaths, Length = 300_000 });

        using var response = await host.Client.GetAsync($"/blob/short-{localPaths}", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.True(error is HttpRequestException or IOException, error.ToString());

        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("failed mid-download", StringComparison.Ordinal));
    }
}
