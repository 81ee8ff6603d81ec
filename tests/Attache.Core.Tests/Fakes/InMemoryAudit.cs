using System.Collections.Concurrent;
using Attache.Core.Audit;
using Attache.Core.Ports;

namespace Attache.Core.Tests.Fakes;

/// <summary>An audit log that keeps every event in memory, in the order recorded.</summary>
internal sealed class RecordingAuditLog : IAuditLog
{
    private readonly ConcurrentQueue<AuditEvent> _events = new();

    public IReadOnlyList<AuditEvent> Events => _events.ToList();

    public void Record(AuditEvent auditEvent) => _events.Enqueue(auditEvent);

    public IReadOnlyList<AuditEvent> Of(string action) => Events.Where(e => e.Action == action).ToList();
}

/// <summary>An audit store in memory that counts the transactions it was given; can be made to fail or to wait.</summary>
internal sealed class InMemoryAuditStore : IAuditStore
{
    private readonly List<AuditEvent> _events = [];
    private readonly Lock _lock = new();
    private long _nextId;

    public int Appends { get; private set; }

    public int FailuresLeft { get; set; }

    /// <summary>When set, each append waits for it first.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public IReadOnlyList<AuditEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return _events.ToList();
            }
        }
    }

    public async Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        lock (_lock)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new IOException("The audit store is unavailable.");
            }

            Appends++;
            _events.AddRange(events.Select(e => e with { Id = ++_nextId }));
        }
    }

    public Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<AuditEvent> found = _events
                .Where(e => (query.Principal is null || e.Principal == query.Principal)
                    && (query.Action is null || e.Action == query.Action)
                    && (query.DocumentId is null || e.DocumentId == query.DocumentId)
                    && (query.FileId is null || e.FileId == query.FileId)
                    && (query.From is null || e.Time >= query.From)
                    && (query.To is null || e.Time < query.To)
                    && (query.Before is null || e.Id < query.Before))
                .OrderByDescending(e => e.Id)
                .Take(query.Limit)
                .ToList();
            return Task.FromResult(found);
        }
    }
}
