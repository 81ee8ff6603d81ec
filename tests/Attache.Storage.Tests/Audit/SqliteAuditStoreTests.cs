using Attache.Core.Audit;
using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attache.Storage.Tests.Audit;

public sealed class SqliteAuditStoreTests : AuditStoreContract, IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly SqliteDatabase _database;
    private readonly SqliteAuditStore _store;

    public SqliteAuditStoreTests()
    {
        _database = new SqliteDatabase($"Data Source={Path.Combine(_folder.Path, "attache.db")}", NullLogger<SqliteDatabase>.Instance);
        _store = new SqliteAuditStore(_database);
    }

    protected override IAuditStore Store => _store;

    public async ValueTask InitializeAsync() => await _database.MigrateAsync(Token);

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
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
