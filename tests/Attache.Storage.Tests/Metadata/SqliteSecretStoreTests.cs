using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;

namespace Attache.Storage.Tests.Metadata;

public sealed class SqliteSecretStoreTests : SecretStoreContract, IAsyncLifetime
{
    private readonly TempDatabase _temp = new();

    public async ValueTask InitializeAsync() => await _temp.MigrateAsync();

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    protected override ISecretStore NewNode() => new SqliteSecretStore(_temp.Database);
}
