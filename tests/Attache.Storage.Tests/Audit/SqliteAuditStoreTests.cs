using Attache.Core.Audit;
using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;

namespace Attache.Storage.Tests.Audit;

public sealed class SqliteAuditStoreTests : AuditStoreContract, IAsyncLifetime
{
    private readonly TempDatabase _temp = new();
    private readonly SqliteAuditStore _store;

    public SqliteAuditStoreTests() => _store = new SqliteAuditStore(_temp.Database);

    protected override IAuditStore Store => _store;

    public async ValueTask InitializeAsync() => await _temp.MigrateAsync();

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_batch_is_one_transaction_so_a_failing_event_keeps_none_of_it()
    {
        var good = new AuditEvent { Time = T0, Action = AuditActions.Upload, Result = AuditResults.Ok };

        await Assert.ThrowsAnyAsync<Exception>(() => Store.AppendAsync([good, good with { Action = null! }], Token));

        Assert.Empty(await Store.QueryAsync(new AuditQuery(), Token));
    }
}
