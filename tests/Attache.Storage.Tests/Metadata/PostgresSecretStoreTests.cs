using Attache.Core.Ports;
using Attache.Storage.Metadata.Postgres;

namespace Attache.Storage.Tests.Metadata;

public sealed class PostgresSecretStoreTests : SecretStoreContract, IAsyncLifetime
{
    private TempPostgres? _temp;

    public async ValueTask InitializeAsync()
    {
        _temp = await TempPostgres.CreateAsync();
        await _temp.OpenMigratedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_temp is not null)
        {
            await _temp.DisposeAsync();
        }
    }

    protected override ISecretStore NewNode() => new PostgresSecretStore(_temp!.Open(), TimeProvider.System);
}
