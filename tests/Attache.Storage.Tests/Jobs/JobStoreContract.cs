using Attache.Core.Ports;

namespace Attache.Storage.Tests.Jobs;

/// <summary>What every <see cref="IJobStore"/> adapter promises. Each adapter's test class inherits it once.</summary>
public abstract class JobStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected abstract IJobStore Store { get; }

    /// <summary>A second adapter instance on the same database, as another node (or the same node after a restart) has.</summary>
    protected abstract IJobStore OtherNode { get; }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_enqueued_job_is_claimed_once_with_its_subject_and_first_attempt()
    {
        Assert.True(await Store.EnqueueAsync("thumbnail", "77", T0, Token));

        var job = await Store.ClaimAsync("thumbnail", "node-a", T0, Lease, Token);

        Assert.NotNull(job);
        Assert.Equal(("thumbnail", "77", 1, T0), (job.Kind, job.Subject, job.Attempts, job.Created));
        Assert.Null(await Store.ClaimAsync("thumbnail", "node-a", T0, Lease, Token));
        Assert.Null(await OtherNode.ClaimAsync("thumbnail", "node-b", T0.AddMinutes(4), Lease, Token));
    }

    [Fact]
    public async Task A_subject_is_queued_once_per_kind_while_its_job_waits_or_runs()
    {
        Assert.True(await Store.EnqueueAsync("thumbnail", "77", T0, Token));
        Assert.False(await Store.EnqueueAsync("thumbnail", "77", T0, Token));
        Assert.True(await Store.EnqueueAsync("other", "77", T0, Token));
        var job = await Store.ClaimAsync("thumbnail", "node-a", T0, Lease, Token);
        Assert.False(await Store.EnqueueAsync("thumbnail", "77", T0, Token));

        Assert.True(await Store.CompleteAsync(job!.Id, "node-a", Token));

        Assert.Equal(0, await Store.CountAsync("thumbnail", Token));
        Assert.True(await Store.EnqueueAsync("thumbnail", "77", T0, Token));
    }

    [Fact]
    public async Task Jobs_are_claimed_oldest_first_and_only_of_the_kind_asked_for()
    {
        await Store.EnqueueAsync("thumbnail", "1", T0, Token);
        await Store.EnqueueAsync("other", "2", T0, Token);
        await Store.EnqueueAsync("thumbnail", "3", T0.AddSeconds(1), Token);

        Assert.Equal("1", (await Store.ClaimAsync("thumbnail", "a", T0.AddSeconds(2), Lease, Token))?.Subject);
        Assert.Equal("3", (await Store.ClaimAsync("thumbnail", "a", T0.AddSeconds(2), Lease, Token))?.Subject);
        Assert.Null(await Store.ClaimAsync("thumbnail", "a", T0.AddSeconds(2), Lease, Token));
        Assert.Equal(2, await Store.CountAsync("thumbnail", Token));
    }

    [Fact]
    public async Task A_job_not_yet_due_is_not_claimed()
    {
        await Store.EnqueueAsync("thumbnail", "77", T0, Token);

        Assert.Null(await Store.ClaimAsync("thumbnail", "a", T0.AddTicks(-1), Lease, Token));
    }

    [Fact]
    public async Task A_lease_that_ends_lets_another_node_claim_the_job_and_the_first_holder_can_no_longer_finish_it()
    {
        await Store.EnqueueAsync("thumbnail", "77", T0, Token);
        var first = await Store.ClaimAsync("thumbnail", "node-a", T0, Lease, Token);

        var second = await OtherNode.ClaimAsync("thumbnail", "node-b", T0 + Lease, Lease, Token);

        Assert.Equal(first!.Id, second?.Id);
        Assert.Equal(2, second!.Attempts);
        Assert.False(await Store.CompleteAsync(first.Id, "node-a", Token));
        Assert.False(await Store.ReleaseAsync(first.Id, "node-a", T0, Token));
        Assert.True(await OtherNode.CompleteAsync(second.Id, "node-b", Token));
        Assert.Equal(0, await Store.CountAsync("thumbnail", Token));
    }

    [Fact]
    public async Task A_released_job_is_due_again_at_its_retry_time_for_any_node()
    {
        await Store.EnqueueAsync("thumbnail", "77", T0, Token);
        var job = await Store.ClaimAsync("thumbnail", "node-a", T0, Lease, Token);

        Assert.True(await Store.ReleaseAsync(job!.Id, "node-a", T0.AddMinutes(1), Token));

        Assert.Null(await OtherNode.ClaimAsync("thumbnail", "node-b", T0.AddSeconds(59), Lease, Token));
        var again = await OtherNode.ClaimAsync("thumbnail", "node-b", T0.AddMinutes(1), Lease, Token);
        Assert.Equal((job.Id, 2), (again?.Id, again?.Attempts));
        Assert.False(await Store.CompleteAsync(job.Id, "node-a", Token));
    }

    [Fact]
    public async Task Concurrent_claimers_never_hold_the_same_job()
    {
        for (var i = 0; i < 20; i++)
        {
            await Store.EnqueueAsync("thumbnail", i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0, Token);
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var store = worker % 2 == 0 ? Store : OtherNode;
            var mine = new List<string>();
            while (await store.ClaimAsync("thumbnail", $"worker-{worker}", T0, Lease, Token) is { } job)
            {
                mine.Add(job.Subject);
            }

            return mine;
        }, Token)));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(20, all.Count);
        Assert.Equal(20, all.Distinct().Count());
    }
}
