using Attache.Core.Cluster;

namespace Attache.Core.Tests;

public sealed class ProcessLocksTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_held_name_keeps_the_next_taker_waiting_while_other_names_are_free()
    {
        var locks = new ProcessLocks();
        var held = await locks.AcquireAsync("blobs", Token);

        var waiting = locks.AcquireAsync("blobs", Token);
        await using (await locks.AcquireAsync("rendition 1", Token))
        {
            await Task.Delay(50, Token);
            Assert.False(waiting.IsCompleted);
        }

        await held.DisposeAsync();
        await held.DisposeAsync(); // a second release of the same hold releases nothing more
        var next = await waiting.WaitAsync(TimeSpan.FromSeconds(5), Token);
        var third = locks.AcquireAsync("blobs", Token);
        await Task.Delay(50, Token);
        Assert.False(third.IsCompleted);
        await next.DisposeAsync();
        await (await third).DisposeAsync();
    }

    [Fact]
    public async Task Names_are_forgotten_once_no_one_holds_or_awaits_them_even_after_a_waiter_gives_up()
    {
        var locks = new ProcessLocks();
        var held = await locks.AcquireAsync("a", Token);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => locks.AcquireAsync("a", giveUp.Token));
        for (var i = 0; i < 100; i++)
        {
            await (await locks.AcquireAsync($"rendition {i}", Token)).DisposeAsync();
        }

        Assert.Equal(1, locks.Count);
        await held.DisposeAsync();
        Assert.Equal(0, locks.Count);
    }
}
