using Attache.Core.Audit;
using Attache.Core.Ports;

namespace Attache.Storage.Tests.Audit;

/// <summary>What every <see cref="IAuditStore"/> adapter promises. Each adapter's test class inherits it once.</summary>
public abstract class AuditStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);

    protected abstract IAuditStore Store { get; }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    private static AuditEvent Event(int minute, string action = AuditActions.Download, string? principal = "alice", string? document = "doc", string? file = "1") => new()
    {
        Time = T0.AddMinutes(minute),
        Action = action,
        Principal = principal,
        DocumentId = document,
        FileId = file,
        Result = AuditResults.Ok,
    };

    [Fact]
    public async Task An_event_comes_back_with_every_field_and_an_id()
    {
        var full = new AuditEvent
        {
            Time = T0.AddTicks(7),
            Action = AuditActions.Download,
            Principal = "ädmin",
            DocumentId = "doc-1",
            FileId = "1256",
            Version = 3,
            Result = AuditResults.Aborted,
            Status = 206,
            Bytes = 5_000_000_000,
            Range = "0-99,200-299",
            Detail = "link s1 expiring 2026-03-14T16:00:00+00:00",
            ClientAddress = "2001:db8::1",
            UserAgent = "curl/8.5",
            CorrelationId = "corr-1",
        };
        var bare = new AuditEvent { Time = T0, Action = AuditActions.Lost, Result = AuditResults.Failed };

        await Store.AppendAsync([full, bare], Token);

        var found = await Store.QueryAsync(new AuditQuery(), Token);
        Assert.Equal(2, found.Count);
        Assert.True(found[0].Id > found[1].Id);
        Assert.Equal(bare with { Id = found[0].Id }, found[0]);
        Assert.Equal(full with { Id = found[1].Id }, found[1]);
    }

    [Fact]
    public async Task Later_batches_get_higher_ids_and_the_newest_come_first()
    {
        await Store.AppendAsync([Event(0), Event(1)], Token);
        await Store.AppendAsync([Event(2)], Token);

        var found = await Store.QueryAsync(new AuditQuery(), Token);

        Assert.Equal([T0.AddMinutes(2), T0.AddMinutes(1), T0], found.Select(e => e.Time));
        Assert.Equal(found.Select(e => e.Id).OrderDescending(), found.Select(e => e.Id));
    }

    [Fact]
    public async Task Each_filter_narrows_and_they_combine()
    {
        await Store.AppendAsync(
        [
            Event(0),
            Event(1, AuditActions.Upload),
            Event(2, principal: "bob"),
            Event(3, document: "other", file: "2"),
            Event(4, AuditActions.Denied, principal: "bob", file: null),
        ], Token);

        async Task<IEnumerable<int>> MinutesAsync(AuditQuery query) =>
            (await Store.QueryAsync(query, Token)).Select(e => (int)(e.Time - T0).TotalMinutes);

        Assert.Equal([4, 2], await MinutesAsync(new AuditQuery(Principal: "bob")));
        Assert.Equal([1], await MinutesAsync(new AuditQuery(Action: AuditActions.Upload)));
        Assert.Equal([3], await MinutesAsync(new AuditQuery(DocumentId: "other")));
        Assert.Equal([2, 1, 0], await MinutesAsync(new AuditQuery(FileId: "1")));
        Assert.Equal([3, 2, 1], await MinutesAsync(new AuditQuery(From: T0.AddMinutes(1), To: T0.AddMinutes(4))));
        Assert.Equal([2], await MinutesAsync(new AuditQuery(Principal: "bob", Action: AuditActions.Download, FileId: "1")));
    }

    [Fact]
    public async Task Before_and_limit_page_through_everything_once()
    {
        await Store.AppendAsync(Enumerable.Range(0, 10).Select(i => Event(i)).ToList(), Token);

        var seen = new List<long>();
        long? before = null;
        while (true)
        {
            var page = await Store.QueryAsync(new AuditQuery(Before: before, Limit: 4), Token);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(e => e.Id));
            before = page[^1].Id;
        }

        Assert.Equal(10, seen.Distinct().Count());
        Assert.Equal(seen.OrderDescending(), seen);
    }

    [Fact]
    public async Task An_empty_batch_writes_nothing()
    {
        await Store.AppendAsync([], Token);

        Assert.Empty(await Store.QueryAsync(new AuditQuery(), Token));
    }
}
