using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;

namespace Attache.Storage.Tests.Metadata;

public sealed class SqlitePrincipalStoreTests : PrincipalStoreContract, IAsyncLifetime
{
    private readonly TempDatabase _temp = new();

    public SqlitePrincipalStoreTests() => Store = new SqlitePrincipalStore(_temp.Database);

    protected override IPrincipalStore Store { get; }

    public async ValueTask InitializeAsync() => await _temp.MigrateAsync();

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
