using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attache.Storage.Tests.Jobs;

public sealed class SqliteJobStoreTests : JobStoreContract, IAsyncLifetime
{
    private readonly TempDatabase _temp = new();

    public SqliteJobStoreTests()
    {
        Store = new SqliteJobStore(_temp.Database);
        OtherNode = new SqliteJobStore(new SqliteDatabase(_temp.ConnectionString, NullLogger<SqliteDatabase>.Instance));
    }

    protected override IJobStore Store { get; }

    protected override IJobStore OtherNode { get; }

    public async ValueTask InitializeAsync() => await _temp.MigrateAsync();

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
