using Attache.Core.Ports;
using Attache.Storage.Metadata.Postgres;

namespace Attache.Storage.Tests.Metadata;

public sealed class PostgresPrincipalStoreTests : PrincipalStoreContract, IAsyncLifetime
{
    private TempPostgres? _temp;
    private PostgresPrincipalStore? _store;

    protected override IPrincipalStore Store => _store!;

    public async ValueTask InitializeAsync()
    {
        _temp = await TempPostgres.CreateAsync();
        _store = new PostgresPrincipalStore(await _temp.OpenMigratedAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_temp is not null)
        {
            await _temp.DisposeAsync();
        }
    }
}
