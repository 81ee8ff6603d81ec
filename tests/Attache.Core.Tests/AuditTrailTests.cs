using Attache.Core.Audit;
using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Principals;
using Attache.Core.Tests.Fakes;

namespace Attache.Core.Tests;

/// <summary>What the core services put in the audit trail: uploads, deletes and every refusal, with the caller's origin.</summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    private static readonly RequestOrigin Origin = new("198.51.100.4", "attache-cli/1.0", "corr-7");

    private readonly CoreServices _core = new(maxBytes: 100);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Caller From(Caller caller) => caller with { Origin = Origin };

    public async ValueTask InitializeAsync() =>
        await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice", Acl: Acl.Shared));

    public ValueTask DisposeAsync()
    {
        _core.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<Failure?> UploadAsync(Caller caller, byte[] content, DeclaredChecksums? checksums = null)
    {
        using var stream = new MemoryStream(content);
        return (await _core.Files.UploadAsync(caller, new UploadRequest("doc", "file", 0, "a.txt", null, stream, Checksums: checksums), Token)).Failure;
    }

    [Fact]
    public async Task An_upload_is_recorded_with_who_from_where_the_file_its_version_and_size()
    {
        _core.Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(await UploadAsync(From(Callers.GroupMember), [1, 2, 3, 4]));

        var upload = Assert.Single(_core.AuditLog.Of(AuditActions.Upload));
        Assert.Equal(
            new AuditEvent
            {
                Time = CoreServices.Start.AddMinutes(5),
                Action = AuditActions.Upload,
                Principal = "carol",
                DocumentId = "doc",
                FileId = "1",
                Version = 1,
                Result = AuditResults.Ok,
                Bytes = 4,
                Detail = "file/0",
                ClientAddress = "198.51.100.4",
                UserAgent = "attache-cli/1.0",
                CorrelationId = "corr-7",
            },
            upload);
    }

    [Fact]
    public async Task Uploads_that_fail_are_recorded_with_what_went_wrong()
    {
        await UploadAsync(From(Callers.Owner), new byte[101]);
        await UploadAsync(From(Callers.Owner), [1], new DeclaredChecksums(Sha256: new string('0', 64)));
        await using var broken = new BrokenStream(bytesBeforeFailure: 3);
        await Assert.ThrowsAsync<IOException>(() =>
            _core.Files.UploadAsync(From(Callers.Owner), new UploadRequest("doc", "file", 0, null, null, broken), Token));

        Assert.Equal(["TooLarge", "ChecksumMismatch", AuditResults.Aborted], _core.AuditLog.Of(AuditActions.Upload).Select(e => e.Result));
    }

    [Fact]
    public async Task Removing_a_file_and_deleting_a_document_are_recorded()
    {
        await UploadAsync(Callers.Owner, [1]);

        await _core.Files.RemoveAsync(From(Callers.Owner), "1", Token);
        await _core.Documents.DeleteAsync(From(Callers.Owner), "doc", purge: true, Token);

        Assert.Equal(
            [("alice", "doc", "1", "file"), ("alice", "doc", null, "document, purged")],
            _core.AuditLog.Of(AuditActions.Delete).Select(e => (e.Principal, e.DocumentId, e.FileId, e.Detail)));
        Assert.All(_core.AuditLog.Of(AuditActions.Delete), e => Assert.Equal("corr-7", e.CorrelationId));
    }

    [Fact]
    public async Task Deleting_what_is_already_deleted_records_nothing_more()
    {
        await UploadAsync(Callers.Owner, [1]);
        await _core.Files.RemoveAsync(Callers.Admin, "1", Token);
        await _core.Documents.DeleteAsync(Callers.Admin, "doc", purge: false, Token);

        await _core.Files.RemoveAsync(Callers.Admin, "1", Token);
        await _core.Documents.DeleteAsync(Callers.Admin, "doc", purge: false, Token);
        await _core.Documents.DeleteAsync(Callers.Admin, "doc", purge: true, Token);

        Assert.Equal(["file", "document", "document, purged"], _core.AuditLog.Of(AuditActions.Delete).Select(e => e.Detail));
    }

    [Fact]
    public async Task Every_refusal_in_documents_files_and_downloads_is_recorded_with_the_permission_and_what_the_caller_was_told()
    {
        await UploadAsync(Callers.Owner, [1]);

        await _core.Documents.GetAsync(From(Callers.Stranger), "doc", Token);
        await _core.Documents.UpdateAsync(From(Callers.Viewer), "doc", new DocumentPatch(Title: "x"), Token);
        await _core.Documents.DeleteAsync(From(Callers.GroupMember), "doc", purge: false, Token);
        await _core.Documents.CreateAsync(From(Callers.Viewer), new NewDocument(Id: "theirs", Owner: "alice"), Token);
        await _core.Files.GetAsync(From(Callers.Stranger), "1", Token);
        await _core.Files.RemoveAsync(From(Callers.Viewer), "1", Token);
        Assert.NotNull(await UploadAsync(From(Callers.Viewer), [2]));
        await _core.Downloads.ResolveAsync(From(Callers.Stranger), "1", null, Token);

        Assert.Equal(
            [
                ("mallory", "doc", null, "view", "NotFound"),
                ("bob", "doc", null, "edit", "Forbidden"),
                ("carol", "doc", null, "delete", "Forbidden"),
                ("bob", "theirs", null, "create for another owner", "Forbidden"),
                ("mallory", "doc", "1", "view", "NotFound"),
                ("bob", "doc", "1", "delete", "Forbidden"),
                ("bob", "doc", null, "edit", "Forbidden"),
                ("mallory", "doc", "1", "view", "NotFound"),
            ],
            _core.AuditLog.Of(AuditActions.Denied).Select(e => (e.Principal, e.DocumentId, e.FileId, e.Detail, e.Result)));
        Assert.All(_core.AuditLog.Of(AuditActions.Denied), e => Assert.Equal(("198.51.100.4", "attache-cli/1.0", "corr-7"), (e.ClientAddress, e.UserAgent, e.CorrelationId)));
    }

    [Fact]
    public async Task Allowed_reads_and_what_is_gone_for_everyone_are_not_refusals()
    {
        await UploadAsync(Callers.Owner, [1]);
        await _core.Documents.GetAsync(Callers.Viewer, "doc", Token);
        await _core.Downloads.ResolveAsync(Callers.Viewer, "1", null, Token);
        await _core.Documents.ListAsync(Callers.Stranger, new Ports.DocumentQuery(), Token);
        await _core.Documents.DeleteAsync(Callers.Owner, "doc", purge: false, Token);
        await _core.Documents.GetAsync(Callers.Owner, "doc", Token);

        Assert.Empty(_core.AuditLog.Of(AuditActions.Denied));
    }

    [Fact]
    public async Task Only_an_administrator_reads_the_trail_and_a_refusal_is_itself_recorded()
    {
        var service = new AuditService(new InMemoryAuditStore(), _core.Audit);

        var refused = await service.QueryAsync(From(Callers.Owner), new AuditQuery(), null, Token);

        Assert.IsType<Failure.Forbidden>(refused.Failure);
        var denied = Assert.Single(_core.AuditLog.Of(AuditActions.Denied));
        Assert.Equal(("alice", "audit", "Forbidden"), (denied.Principal, denied.Detail, denied.Result));
        Assert.Null((await service.QueryAsync(Callers.Admin, new AuditQuery(), null, Token)).Failure);
    }

    [Fact]
    public async Task The_trail_pages_newest_first_with_a_cursor_and_filters()
    {
        var store = new InMemoryAuditStore();
        var service = new AuditService(store, _core.Audit);
        var events = Enumerable.Range(0, 7).Select(i => new AuditEvent
        {
            Time = CoreServices.Start.AddMinutes(i),
            Action = i % 2 == 0 ? AuditActions.Download : AuditActions.Upload,
            Principal = i < 4 ? "alice" : "bob",
            FileId = (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Result = AuditResults.Ok,
        }).ToList();
        await store.AppendAsync(events, Token);

        var first = (await service.QueryAsync(Callers.Admin, new AuditQuery(Limit: 3), null, Token)).Value;
        var second = (await service.QueryAsync(Callers.Admin, new AuditQuery(Limit: 3), first.NextCursor, Token)).Value;
        var last = (await service.QueryAsync(Callers.Admin, new AuditQuery(Limit: 3), second.NextCursor, Token)).Value;

        Assert.Equal([7L, 6, 5], first.Items.Select(e => e.Id));
        Assert.Equal([4L, 3, 2], second.Items.Select(e => e.Id));
        Assert.Equal([1L], last.Items.Select(e => e.Id));
        Assert.Null(last.NextCursor);
        var filtered = (await service.QueryAsync(Callers.Admin, new AuditQuery(Principal: "alice", Action: AuditActions.Download), null, Token)).Value;
        Assert.Equal([3L, 1], filtered.Items.Select(e => e.Id));
        var window = (await service.QueryAsync(Callers.Admin, new AuditQuery(From: CoreServices.Start.AddMinutes(2), To: CoreServices.Start.AddMinutes(4)), null, Token)).Value;
        Assert.Equal([4L, 3], window.Items.Select(e => e.Id));
    }

    [Theory]
    [InlineData("limit")]
    [InlineData("action")]
    [InlineData("cursor")]
    public async Task A_bad_limit_action_or_cursor_is_invalid_naming_it(string field)
    {
        var service = new AuditService(new InMemoryAuditStore(), _core.Audit);
        var (query, cursor) = field switch
        {
            "limit" => (new AuditQuery(Limit: 0), null),
            "action" => (new AuditQuery(Action: "read"), null),
            _ => (new AuditQuery(), "-3"),
        };

        var outcome = await service.QueryAsync(Callers.Admin, query, cursor, Token);

        Assert.Equal(field, Assert.IsType<Failure.Invalid>(outcome.Failure).Field);
    }
}
