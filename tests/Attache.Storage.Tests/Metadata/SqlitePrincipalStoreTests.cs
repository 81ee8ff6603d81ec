using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attache.Storage.Tests.Metadata;

public sealed class SqlitePrincipalStoreTests : PrincipalStoreContract, IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly SqliteDatabase _database;

    public SqlitePrincipalStoreTests()
    {
        _database = new SqliteDatabase($"Data Source={Path.Combine(_folder.Path, "attache.db")}", NullLogger<SqliteDatabase>.Instance);
        Store = new SqlitePrincipalStore(_database);
    }

    protected override IPrincipalStore Store { get; }

    public async ValueTask InitializeAsync() => await _database.MigrateAsync(Token);

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
