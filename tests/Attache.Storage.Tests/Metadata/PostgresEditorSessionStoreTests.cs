using Attache.Core.Ports;
using Attache.Storage.Metadata.Postgres;

namespace Attache.Storage.Tests.Metadata;

public sealed class PostgresEditorSessionStoreTests : EditorSessionStoreContract, IAsyncLifetime
{
    private TempPostgres? _temp;
    private PostgresEditorSessionStore? _store;

    protected override IEditorSessionStore Store => _store!;

    public async ValueTask InitializeAsync()
    {
        _temp = await TempPostgres.CreateAsync();
        _store = new PostgresEditorSessionStore(await _temp.OpenMigratedAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_temp is not null)
        {
            await _temp.DisposeAsync();
        }
    }
}
