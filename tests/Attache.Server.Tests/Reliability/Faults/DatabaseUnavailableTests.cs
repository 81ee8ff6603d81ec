using System.Diagnostics;
using System.Net;
using Attache.Server.Tests.Api;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Data.Sqlite;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>
/// H52 on SQLite: another connection holds the database longer than the busy timeout. Uploads that cannot record are
/// answered 503 with Retry-After and leave no blob, uploads that could are intact, and once the other connection lets
/// go uploads work again at once. Without such a connection, concurrent uploads never meet "database is locked".
/// </summary>
[Collection(ProcessFaults.Name)]
public sealed class DatabaseUnavailableTests : IAsyncLifetime
{
    private const string DocumentId = "db";
    private TestStore? _store;
    private AttacheApp _app = null!;
    private HttpClient _client = null!;

    private static CancellationToken Token => FaultRound.Token;

    public async ValueTask InitializeAsync()
    {
        // These faults hold the embedded SQLite database, so its metadata stays in SQLite in every configuration.
        _store = new TestStore(postgres: false, s3: S3Blobs.Requested);
        _app = new AttacheApp(store: _store);
        _client = _app.CreateAdminClient();
        await _client.CreateDocumentAsync(new { id = DocumentId });
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [Fact]
    public async Task H52_A_database_held_exclusively_past_the_busy_timeout_answers_503_with_Retry_After_and_recovers()
    {
        const int uploads = 10;
        var kept = await _client.UploadAsync(DocumentId, FaultRound.Content(10_000, seed: 1), "kept.bin", slot: "kept");
        var blobsBefore = _app.BlobFiles().Count();
        var hold = TimeSpan.FromSeconds(SqliteDatabase.BusyTimeoutSeconds + 2);

        var outcomes = new (HttpStatusCode Status, bool RetryAfter)[uploads];
        var contents = Enumerable.Range(0, uploads).Select(i => FaultRound.Content(50_000, seed: 100 + i)).ToArray();
        var released = Stopwatch.StartNew();
        await using (var holder = new SqliteConnection($"Data Source={Path.Combine(_app.DataPath, "attache.db")}"))
        {
            await holder.OpenAsync(Token);
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                await begin.ExecuteNonQueryAsync(Token);
            }

            var sending = Enumerable.Range(0, uploads).Select(async i =>
            {
                using var response = await FaultRound.PutAsync(_client, DocumentId, $"held{i}", contents[i]);
                outcomes[i] = (response.StatusCode, response.Headers.RetryAfter is not null);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
                    Assert.Equal("Storage unavailable", problem.Str("title"));
                }
            }).ToList();

            // A download needs no write: WAL readers are not blocked by a writer.
            using (var download = await _client.GetAsync($"/v1/files/{kept.Str("id")}/content", Token))
            {
                Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            }

            await Task.WhenAny(Task.WhenAll(sending), Task.Delay(hold, Token));
            await using (var rollback = holder.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK;";
                await rollback.ExecuteNonQueryAsync(Token);
            }

            released.Restart();
            await Task.WhenAll(sending);
        }

        var refused = outcomes.Count(o => o.Status == HttpStatusCode.ServiceUnavailable);
        Assert.All(outcomes, o => Assert.True(o.Status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"answered {(int)o.Status}"));
        Assert.All(outcomes.Where(o => o.Status == HttpStatusCode.ServiceUnavailable), o => Assert.True(o.RetryAfter, "503 without Retry-After"));
        Assert.True(refused >= 1, "no upload waited past the busy timeout");

        var acknowledged = Enumerable.Range(0, uploads).Where(i => outcomes[i].Status == HttpStatusCode.Created)
            .ToDictionary(i => $"held{i}", i => contents[i]);
        acknowledged["kept"] = FaultRound.Content(10_000, seed: 1);
        var ready = await FaultRound.AssertReadyFilesHoldTheirBytesAsync(_client, DocumentId, acknowledged);
        Assert.Equal(acknowledged.Count, ready);
        // No orphan: a refused upload's blob was deleted again.
        Assert.Equal(blobsBefore + uploads - refused, _app.BlobFiles().Count());
        Assert.Empty(_app.StagingFiles());

        var recoveries = new List<TimeSpan>();
        foreach (var i in Enumerable.Range(0, uploads).Where(i => outcomes[i].Status != HttpStatusCode.Created))
        {
            recoveries.Add(released.Elapsed + await FaultRound.RecoverAsync(_client, DocumentId, $"held{i}", contents[i]));
        }

        Assert.All(recoveries, r => Assert.True(r <= FaultRound.RecoveryLimit + TimeSpan.FromSeconds(1), $"recovered after {r}"));
        FaultRound.Report("SQLite BEGIN EXCLUSIVE", 1, refused, refused, recoveries);
    }

    [Fact]
    public async Task H52_Thirty_two_concurrent_uploads_never_meet_database_is_locked()
    {
        const int uploads = 32;
        var contents = Enumerable.Range(0, uploads).Select(i => FaultRound.Content(20_000 + i, seed: 200 + i)).ToArray();
        var statuses = await Task.WhenAll(Enumerable.Range(0, uploads).Select(async i =>
        {
            using var response = await FaultRound.PutAsync(_client, DocumentId, $"c{i}", contents[i]);
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Created, status));
        var ready = await FaultRound.AssertReadyFilesHoldTheirBytesAsync(
            _client, DocumentId, Enumerable.Range(0, uploads).ToDictionary(i => $"c{i}", i => contents[i]));
        Assert.Equal(uploads, ready);
    }
}
