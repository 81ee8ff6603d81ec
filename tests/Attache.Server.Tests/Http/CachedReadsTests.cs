using System.Net;
using System.Net.Http.Json;
using Attache.Core.Audit;
using Attache.Core.Ports;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Auth;
using Attache.Server.Tests.Dialects.SpeechExec;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Attache.Server.Tests.Http;

/// <summary>
/// Downloads are answered from remembered reads on the embedded store; every change that decides a download takes
/// effect on the very next request. Each case first downloads twice, so the reads it depends on are remembered.
/// </summary>
public sealed class CachedReadsTests : IAsyncLifetime
{
    // Audit events are written in batches, and each batch is a commit; held back here so that only the test's own
    // writes move the cache's generation.
    private readonly AttacheApp _app;

    // The cache belongs to the embedded store, so this class keeps its metadata in SQLite in every configuration.
    private readonly TestStore _store = new(postgres: false, s3: S3Blobs.Requested);
    private HttpClient _admin = null!;
    private HttpClient _reader = null!;
    private string _readerKey = null!;
    private string _path = null!;
    private readonly byte[] _content = NativeApi.Bytes(4096, seed: 21);

    public CachedReadsTests()
    {
        _app = new AttacheApp(new Dictionary<string, string?> { ["Attache:Audit:FlushDelay"] = "00:05:00" }, store: _store);
    }

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        await _admin.CreatePrincipalAsync(new { name = "reader", groups = new[] { "readers" } });
        _readerKey = await _admin.IssueKeyAsync("reader");
        _reader = _app.ClientWithKey(_readerKey);
        await _admin.CreateDocumentAsync(new { id = "doc", acl = new[] { new { group = "readers", permissions = new[] { "view" } } } });
        var file = await _admin.UploadAsync("doc", _content);
        _path = $"/v1/files/{file.Str("id")}/content";
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _reader.Dispose();
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    private async Task WarmAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(_content, await _reader.GetByteArrayAsync(_path, NativeApi.Token));
        }
    }

    private async Task AssertReaderGetsAsync(HttpStatusCode status)
    {
        using var response = await _reader.GetAsync(_path, NativeApi.Token);
        Assert.Equal(status, response.StatusCode);
    }

    [Fact]
    public async Task Reads_are_remembered_between_writes_on_the_embedded_store()
    {
        var reads = _app.Services.GetRequiredService<SqliteDatabase>().Reads;
        await WarmAsync();

        // Background work (the thumbnail worker's poll) also commits now and then; a round it did not cross must be
        // answered from memory.
        for (var round = 0; ; round++)
        {
            var (generation, hits) = (reads.Generation, reads.Hits);
            await WarmAsync();
            if (reads.Generation == generation)
            {
                Assert.True(reads.Hits >= hits + 8, $"two downloads of four point reads each were answered from memory ({reads.Hits - hits} hits)");
                return;
            }

            Assert.True(round < 5, "something commits to the SQLite file on every request");
        }
    }

    [Fact]
    public async Task Audit_batches_leave_the_remembered_reads_in_place_and_later_writes_still_end_them()
    {
        var reads = _app.Services.GetRequiredService<SqliteDatabase>().Reads;
        var audit = _app.Services.GetRequiredService<IAuditStore>();
        var trail = _app.Services.GetRequiredService<AuditTrail>();
        await WarmAsync();

        // As in the test above, a round crossed by a background commit is tried again.
        for (var round = 0; ; round++)
        {
            var generation = reads.Generation;
            await audit.AppendAsync([trail.Event(AuditActions.Download, null) with { Detail = $"batch {round}" }], NativeApi.Token);
            if (reads.Generation == generation)
            {
                break;
            }

            Assert.True(round < 5, "every audit batch ended the remembered reads");
        }

        var stored = await audit.QueryAsync(new AuditQuery(Action: AuditActions.Download), NativeApi.Token);
        Assert.Contains(stored, e => e.Detail is { } detail && detail.StartsWith("batch ", StringComparison.Ordinal));

        // The audit write may have borrowed the pooled connection the revocation now commits on.
        await WarmAsync();
        await A_revoked_key_is_refused_on_the_next_request();
    }

    [Fact]
    public async Task A_revoked_key_is_refused_on_the_next_request()
    {
        await WarmAsync();
        var keys = await _admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/v1/principals/reader/api-keys", NativeApi.Token);
        var id = keys.EnumerateArray().Single().Str("id");
        using (var revoke = await _admin.DeleteAsync($"/v1/principals/reader/api-keys/{id}", NativeApi.Token))
        {
            Assert.True(revoke.IsSuccessStatusCode, revoke.StatusCode.ToString());
        }

        await AssertReaderGetsAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_disabled_principal_is_refused_on_the_next_request()
    {
        await WarmAsync();
        using (var disable = await _admin.PatchAsJsonAsync("/v1/principals/reader", new { enabled = false }, NativeApi.Token))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        await AssertReaderGetsAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_deleted_document_is_not_found_on_the_next_request()
    {
        await WarmAsync();
        using (var delete = await _admin.DeleteAsync("/v1/documents/doc", NativeApi.Token))
        {
            Assert.True(delete.IsSuccessStatusCode, delete.StatusCode.ToString());
        }

        await AssertReaderGetsAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Leaving_the_granted_group_makes_the_file_not_found_on_the_next_request()
    {
        await WarmAsync();
        using (var patch = await _admin.PatchAsJsonAsync("/v1/principals/reader", new { groups = Array.Empty<string>() }, NativeApi.Token))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        await AssertReaderGetsAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_new_version_is_served_on_the_next_request()
    {
        await WarmAsync();
        var second = NativeApi.Bytes(4096, seed: 22);
        await _admin.UploadAsync("doc", second);
        Assert.Equal(second, await _reader.GetByteArrayAsync(_path, NativeApi.Token));
    }

    [Fact]
    public async Task A_removed_file_is_not_found_on_the_next_request()
    {
        await WarmAsync();
        using (var remove = await _admin.DeleteAsync(_path[..^"/content".Length], NativeApi.Token))
        {
            Assert.True(remove.IsSuccessStatusCode, remove.StatusCode.ToString());
        }

        await AssertReaderGetsAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_server_key_imported_after_a_refusal_is_accepted_at_once()
    {
        // A refused key is remembered as unknown; importing it must not leave that answer behind.
        const string chosen = "chosen-server-key-0123456789";
        using var dialect = _app.CreateClient();
        dialect.DefaultRequestHeaders.Add("x-sps-api-key", chosen);
        for (var i = 0; i < 2; i++)
        {
            using var refused = await dialect.GetAsync(SpeechExecWorld.Base + "/dms/users", NativeApi.Token);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var import = await _admin.PostAsJsonAsync("/v1/import", new { serverApiKeys = new[] { chosen } }, NativeApi.Token))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        using var accepted = await dialect.GetAsync(SpeechExecWorld.Base + "/dms/users", NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }
}
