using Attache.Core.Ports;
using Attache.Storage.Metadata.Postgres;

namespace Attache.Storage.Tests.Metadata;

public sealed class PostgresRenditionStoreTests : RenditionStoreContract, IAsyncLifetime
{
    private TempPostgres? _temp;
    private PostgresRenditionStore? _store;

    protected override IRenditionStore Store => _store!;

    public async ValueTask InitializeAsync()
    {
        _temp = await TempPostgres.CreateAsync();
        _store = new PostgresRenditionStore(await _temp.OpenMigratedAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_temp is not null)
        {
            await _temp.DisposeAsync();
        }
    }
}
