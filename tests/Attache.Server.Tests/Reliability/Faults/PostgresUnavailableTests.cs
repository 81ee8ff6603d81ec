using System.Net;
using Attache.Server.Tests.Api;
using Npgsql;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>
/// H52 on PostgreSQL: the server reaches the database through a fault proxy, which drops every connection and refuses
/// new ones (CI's PostgreSQL is shared by other tests, so it is never stopped). Uploads and downloads answer 503 with
/// Retry-After, nothing is kept, and within 5 s of the proxy relaying again the same server stores uploads: the
/// connection pool does not keep dead connections.
/// </summary>
[Collection(ProcessFaults.Name)]
public sealed class PostgresUnavailableTests
{
    private const int Rounds = 10;
    private const string DocumentId = "pg";

    private static CancellationToken Token => FaultRound.Token;

    [Fact]
    public async Task H52_PostgreSQL_unreachable_answers_503_with_Retry_After_and_recovers_without_restart()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestStore.PostgresVariable)))
        {
            Assert.Skip($"needs PostgreSQL: {TestStore.PostgresVariable} (a connection string to a server where tests may create databases); .ci/run sets it.");
        }

        await using var store = new TestStore(postgres: true, s3: false);
        var direct = new NpgsqlConnectionStringBuilder(store.Settings["Attache:Metadata:ConnectionString"]);
        var address = (await Dns.GetHostAddressesAsync(direct.Host!, Token)).First();
        await using var proxy = new FaultProxy(new IPEndPoint(address, direct.Port));
        var proxied = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port };
        await using var app = new AttacheApp(new Dictionary<string, string?> { ["Attache:Metadata:ConnectionString"] = proxied.ConnectionString }, store: store);
        using var client = app.CreateAdminClient();
        await client.CreateDocumentAsync(new { id = DocumentId });
        var kept = FaultRound.Content(10_000, seed: 5);
        var keptFile = await client.UploadAsync(DocumentId, kept, "kept.bin", slot: "kept");
        var blobsBefore = app.BlobFiles().Count();

        proxy.Mode = ProxyMode.Refuse;
        proxy.ResetAll();
        var refused = 0;
        for (var round = 0; round < Rounds; round++)
        {
            using var response = await FaultRound.PutAsync(client, DocumentId, $"down{round}", FaultRound.Content(50_000, seed: round));
            var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Storage unavailable", problem.Str("title"));
            Assert.NotNull(response.Headers.RetryAfter);
            refused++;
        }

        using (var download = await client.GetAsync($"/v1/files/{keptFile.Str("id")}/content", Token))
        {
            await download.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        }

        Assert.Equal(blobsBefore, app.BlobFiles().Count());
        Assert.Empty(app.StagingFiles());

        proxy.Mode = ProxyMode.Pass;
        var recovery = await FaultRound.RecoverAsync(client, DocumentId, "down0", FaultRound.Content(50_000, seed: 0));
        Assert.Equal(kept, await client.GetByteArrayAsync($"/v1/files/{keptFile.Str("id")}/content", Token));
        var ready = await FaultRound.AssertReadyFilesHoldTheirBytesAsync(client, DocumentId, new Dictionary<string, byte[]>
        {
            ["kept"] = kept,
            ["down0"] = FaultRound.Content(50_000, seed: 0),
        });
        Assert.Equal(2, ready);
        FaultRound.Report("PostgreSQL unreachable (proxy resets and refuses)", 1, Rounds, refused, [recovery]);
    }
}
