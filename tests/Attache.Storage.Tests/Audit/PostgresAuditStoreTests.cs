using Attache.Core.Audit;
using Attache.Core.Ports;
using Attache.Storage.Metadata.Postgres;

namespace Attache.Storage.Tests.Audit;

public sealed class PostgresAuditStoreTests : AuditStoreContract, IAsyncLifetime
{
    private TempPostgres? _temp;
    private PostgresAuditStore? _store;

    protected override IAuditStore Store => _store!;

    public async ValueTask InitializeAsync()
    {
        _temp = await TempPostgres.CreateAsync();
        _store = new PostgresAuditStore(await _temp.OpenMigratedAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_temp is not null)
        {
            await _temp.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_batch_is_one_transaction_so_a_failing_event_keeps_none_of_it()
    {
        var good = new AuditEvent { Time = T0, Action = AuditActions.Upload, Result = AuditResults.Ok };

        await Assert.ThrowsAnyAsync<Exception>(() => Store.AppendAsync([good, good with { Action = null! }], Token));

        Assert.Empty(await Store.QueryAsync(new AuditQuery(), Token));
    }

    [Fact]
    public async Task Two_nodes_appending_at_once_keep_each_batch_in_order_with_distinct_ids()
    {
        var other = new PostgresAuditStore(_temp!.Open());
        var batch = Enumerable.Range(0, 50).Select(i => new AuditEvent { Time = T0.AddTicks(i), Action = AuditActions.Upload, Result = AuditResults.Ok }).ToList();

        await Task.WhenAll(Store.AppendAsync(batch, Token), other.AppendAsync(batch.Select(e => e with { Action = AuditActions.Download }).ToList(), Token));

        var all = await Store.QueryAsync(new AuditQuery(Limit: 1000), Token);
        Assert.Equal(100, all.Select(e => e.Id).Distinct().Count());
        foreach (var action in new[] { AuditActions.Upload, AuditActions.Download })
        {
            var times = all.Where(e => e.Action == action).OrderBy(e => e.Id).Select(e => e.Time).ToList();
            Assert.Equal(batch.Select(e => e.Time), times);
        }
    }
}
