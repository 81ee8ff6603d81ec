using Attache.Core.Ports;
using Attache.Storage.Metadata.Postgres;

namespace Attache.Storage.Tests.Jobs;

/// <summary>The job contract on PostgreSQL; the other node is a second connection pool on the same database.</summary>
public sealed class PostgresJobStoreTests : JobStoreContract, IAsyncLifetime
{
    private TempPostgres? _temp;
    private PostgresJobStore? _store;
    private PostgresJobStore? _otherNode;

    protected override IJobStore Store => _store!;

    protected override IJobStore OtherNode => _otherNode!;

    public async ValueTask InitializeAsync()
    {
        _temp = await TempPostgres.CreateAsync();
        _store = new PostgresJobStore(await _temp.OpenMigratedAsync());
        _otherNode = new PostgresJobStore(_temp.Open());
    }

    public async ValueTask DisposeAsync()
    {
        if (_temp is not null)
        {
            await _temp.DisposeAsync();
        }
    }
}
