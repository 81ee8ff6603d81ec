using System.Threading.Channels;
using Attache.Core.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Attache.Core.Audit;

public sealed class AuditOptions
{
    /// <summary>Events waiting to be written; when full, new events are dropped and counted rather than slow a request.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Most events written in one transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long the writer lets a burst gather after the first event before it writes.</summary>
    public TimeSpan FlushDelay { get; set; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>
/// The audit log behind <see cref="IAuditLog"/>: requests put events in a bounded queue without waiting, and this
/// background writer appends them to the <see cref="IAuditStore"/> in batches, one transaction each. When the queue is
/// full an event is dropped, never waited for; the writer logs how many and writes a <see cref="AuditActions.Lost"/>
/// event in their place. On stop the queue is closed and everything in it is written.
/// </summary>
public sealed class AuditWriter : BackgroundService, IAuditLog
{
    private const int WriteAttempts = 3;

    private readonly IAuditStore _store;
    private readonly AuditOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditWriter> _logger;
    private readonly Channel<AuditEvent> _queue;
    // Never disposed: a host may stop the writer again after disposing it, and this semaphore holds no wait handle.
    private readonly SemaphoreSlim _draining = new(1, 1);
    private long _dropped;
    private long _droppedTotal;
    private long _batches;

    public AuditWriter(IAuditStore store, AuditOptions options, TimeProvider time, ILogger<AuditWriter> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Events dropped since start because the queue was full or the writer had stopped.</summary>
    public long Dropped => Interlocked.Read(ref _droppedTotal);

    /// <summary>Transactions written since start.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public void Record(AuditEvent auditEvent)
    {
        // FullMode.Wait makes TryWrite answer false when full instead of dropping silently.
        if (_queue.Writer.TryWrite(auditEvent))
        {
            return;
        }

        Interlocked.Increment(ref _droppedTotal);
        if (Interlocked.Increment(ref _dropped) == 1)
        {
            _logger.LogWarning("The audit queue is full or closed ({Capacity} events): audit events are being dropped and counted", _options.QueueCapacity);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                if (_options.FlushDelay > TimeSpan.Zero)
                {
                    // Wall-clock plumbing, not business time: a burst gathers so that it shares one transaction.
                    await Task.Delay(_options.FlushDelay, stoppingToken);
                }

                await DrainAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Closes the queue and writes what it holds; the loop may never have run when a stop follows a start closely.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _queue.Writer.TryComplete();
        await DrainAsync();
        _logger.LogDebug("Audit writer stopped after {Batches} batches; {Dropped} events dropped", Batches, Dropped);
    }

    private async Task DrainAsync()
    {
        // The loop and a stop whose own time ran out may both drain; one at a time keeps batches in order.
        await _draining.WaitAsync(CancellationToken.None);
        try
        {
            await DrainQueueAsync();
        }
        finally
        {
            _draining.Release();
        }
    }

    private async Task DrainQueueAsync()
    {
        var batch = new List<AuditEvent>(Math.Min(_options.BatchSize, 1024));
        while (true)
        {
            batch.Clear();
            while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var auditEvent))
            {
                batch.Add(auditEvent);
            }

            if (batch.Count == 0)
            {
                break;
            }

            await WriteAsync(batch);
        }

        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
        {
            _logger.LogWarning("{Count} audit events were dropped because the audit queue was full or closed", dropped);
            await WriteAsync([new AuditEvent
            {
                Time = _time.GetUtcNow(),
                Action = AuditActions.Lost,
                Result = AuditResults.Failed,
                Detail = $"{dropped} events dropped: the audit queue was full",
            }]);
        }
    }

    // Once acknowledged, an event is worth a few attempts; the store's own cancellation is not the request's.
    private async Task WriteAsync(List<AuditEvent> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.AppendAsync(batch, CancellationToken.None);
                Interlocked.Increment(ref _batches);
                return;
            }
            catch (Exception e) when (attempt < WriteAttempts)
            {
                _logger.LogWarning(e, "Writing {Count} audit events failed (attempt {Attempt}); retrying", batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), CancellationToken.None);
            }
            catch (Exception e)
            {
                Interlocked.Add(ref _droppedTotal, batch.Count);
                _logger.LogError(e, "{Count} audit events could not be written and are lost", batch.Count);
                return;
            }
        }
    }
}
