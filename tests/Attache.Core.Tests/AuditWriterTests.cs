using System.Collections.Concurrent;
using Attache.Core.Audit;
using Attache.Core.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace Attache.Core.Tests;

public sealed class AuditWriterTests
{
    private readonly InMemoryAuditStore _store = new();
    private readonly ListLogger<AuditWriter> _logger = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private AuditWriter Writer(int capacity = 10_000, int batchSize = 500, TimeSpan? flushDelay = null) =>
        new(_store, new AuditOptions { QueueCapacity = capacity, BatchSize = batchSize, FlushDelay = flushDelay ?? TimeSpan.Zero }, TimeProvider.System, _logger);

    private static AuditEvent Event(int i) => new()
    {
        Time = CoreServices.Start.AddSeconds(i),
        Action = AuditActions.Download,
        Detail = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Result = AuditResults.Ok,
    };

    private async Task WaitForAsync(int count)
    {
        for (var i = 0; i < 200 && _store.Events.Count < count; i++)
        {
            await Task.Delay(10, Token);
        }
    }

    [Fact]
    public async Task Waiting_events_are_written_in_batches_of_at_most_the_batch_size_in_order()
    {
        using var writer = Writer(batchSize: 500);
        for (var i = 0; i < 1200; i++)
        {
            writer.Record(Event(i));
        }

        await writer.StartAsync(Token);
        await WaitForAsync(1200);
        await writer.StopAsync(Token);

        Assert.Equal(3, _store.Appends);
        Assert.Equal(Enumerable.Range(0, 1200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), _store.Events.Select(e => e.Detail));
    }

    [Fact]
    public async Task A_burst_of_events_while_running_shares_a_few_transactions()
    {
        using var writer = Writer(flushDelay: TimeSpan.FromMilliseconds(50));
        await writer.StartAsync(Token);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                writer.Record(Event((t * 100) + i));
            }
        }, Token)));
        await WaitForAsync(800);
        await writer.StopAsync(Token);

        Assert.Equal(800, _store.Events.Count);
        Assert.InRange(_store.Appends, 1, 8);
        Assert.Equal(_store.Appends, writer.Batches);
    }

    [Fact]
    public async Task Stopping_writes_everything_that_was_recorded()
    {
        using var writer = Writer(flushDelay: TimeSpan.FromHours(1));
        await writer.StartAsync(Token);
        for (var i = 0; i < 50; i++)
        {
            writer.Record(Event(i));
        }

        await writer.StopAsync(Token);

        Assert.Equal(50, _store.Events.Count);
        Assert.Equal(1, _store.Appends);
    }

    [Fact]
    public async Task A_full_queue_drops_without_waiting_counts_logs_and_leaves_a_marker_in_the_trail()
    {
        using var writer = Writer(capacity: 10);
        for (var i = 0; i < 25; i++)
        {
            writer.Record(Event(i));
        }

        Assert.Equal(15, writer.Dropped);
        await writer.StartAsync(Token);
        await WaitForAsync(11);
        await writer.StopAsync(Token);

        Assert.Equal(10, _store.Events.Count(e => e.Action == AuditActions.Download));
        var lost = Assert.Single(_store.Events, e => e.Action == AuditActions.Lost);
        Assert.Equal("15 events dropped: the audit queue was full", lost.Detail);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("15 audit events were dropped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Events_recorded_after_stop_are_counted_as_dropped()
    {
        using var writer = Writer();
        await writer.StartAsync(Token);
        await writer.StopAsync(Token);

        writer.Record(Event(1));

        Assert.Equal(1, writer.Dropped);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task A_store_that_fails_briefly_is_retried_and_nothing_is_lost()
    {
        _store.FailuresLeft = 2;
        using var writer = Writer();
        writer.Record(Event(1));

        await writer.StartAsync(Token);
        await WaitForAsync(1);
        await writer.StopAsync(Token);

        Assert.Single(_store.Events);
        Assert.Equal(0, writer.Dropped);
    }
}

internal sealed record LogLine(LogLevel Level, string Message);

internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<LogLine> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue(new LogLine(logLevel, formatter(state, exception)));
}
