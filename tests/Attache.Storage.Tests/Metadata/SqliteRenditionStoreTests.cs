using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;

namespace Attache.Storage.Tests.Metadata;

public sealed class SqliteRenditionStoreTests : RenditionStoreContract, IAsyncLifetime
{
    private readonly TempDatabase _temp = new();

    public SqliteRenditionStoreTests() => Store = new SqliteRenditionStore(_temp.Database);

    protected override IRenditionStore Store { get; }

    public async ValueTask InitializeAsync() => await _temp.MigrateAsync();

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
