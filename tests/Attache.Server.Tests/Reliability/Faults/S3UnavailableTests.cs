using System.Diagnostics;
using System.Globalization;
using System.Net;
using Attache.Server.Tests.Api;
using Attache.Storage.Tests.Blobs;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>
/// H53: the server reaches the S3 service through a fault proxy that resets every connection and refuses new ones,
/// or accepts and then answers nothing. Uploads fail cleanly (503 with Retry-After), leave no object and no
/// unfinished upload, a download is 503 rather than 404, and within 5 s of the proxy relaying again uploads work.
/// </summary>
[Collection(ProcessFaults.Name)]
public sealed class S3UnavailableTests
{
    private const int Rounds = 10;
    private const int StallRounds = 2;
    private const string DocumentId = "s3";

    private static CancellationToken Token => FaultRound.Token;

    [Fact]
    public async Task H53_S3_reset_refused_or_stalled_answers_503_keeps_nothing_and_recovers_without_restart()
    {
        if (!S3TestService.IsConfigured)
        {
            Assert.Skip("needs S3: " + S3TestService.SkipReason);
        }

        await using var store = new TestStore(TestStore.UsesPostgres, s3: true);
        var service = new Uri(store.Settings["Attache:Blobs:S3:ServiceUrl"]!);
        var address = (await Dns.GetHostAddressesAsync(service.Host, Token)).First();
        await using var proxy = new FaultProxy(new IPEndPoint(address, service.Port));
        await using var app = new AttacheApp(new Dictionary<string, string?>
        {
            ["Attache:Blobs:S3:ServiceUrl"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{proxy.Port}"),
            // Deliberately short, so that a stalled service fails an upload in seconds rather than the default 100 s.
            ["Attache:Blobs:S3:RequestTimeout"] = "00:00:01",
        }, store: store);
        using var client = app.CreateAdminClient();
        await client.CreateDocumentAsync(new { id = DocumentId });
        var kept = FaultRound.Content(10_000, seed: 9);
        var keptFile = await client.UploadAsync(DocumentId, kept, "kept.bin", slot: "kept");
        var objectsBefore = app.BlobFiles().Count();

        proxy.Mode = ProxyMode.Refuse;
        proxy.ResetAll();
        var refused = 0;
        for (var round = 0; round < Rounds + StallRounds; round++)
        {
            if (round == Rounds)
            {
                proxy.Mode = ProxyMode.Stall;
            }

            var clock = Stopwatch.StartNew();
            using var response = await FaultRound.PutAsync(client, DocumentId, $"down{round}", FaultRound.Content(50_000, seed: round));
            var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Storage unavailable", problem.Str("title"));
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"a refused upload took {clock.Elapsed}");
            refused++;
        }

        proxy.Mode = ProxyMode.Refuse;
        using (var download = await client.GetAsync($"/v1/files/{keptFile.Str("id")}/content", Token))
        {
            await download.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        }

        proxy.Mode = ProxyMode.Pass;
        proxy.ResetAll();
        var recovery = await FaultRound.RecoverAsync(client, DocumentId, "down0", FaultRound.Content(50_000, seed: 0));
        Assert.Equal(kept, await client.GetByteArrayAsync($"/v1/files/{keptFile.Str("id")}/content", Token));
        var ready = await FaultRound.AssertReadyFilesHoldTheirBytesAsync(client, DocumentId, new Dictionary<string, byte[]>
        {
            ["kept"] = kept,
            ["down0"] = FaultRound.Content(50_000, seed: 0),
        });
        Assert.Equal(2, ready);
        // Nothing of the refused uploads stayed: no staging object, no unfinished upload, one new blob (the retry's).
        Assert.Empty(app.StagingFiles());
        Assert.Equal(objectsBefore + 1, app.BlobFiles().Count());
        FaultRound.Report("S3 unreachable (proxy resets, refuses, stalls)", 1, Rounds + StallRounds, refused, [recovery]);
    }
}
