using Attache.Core.Audit;

namespace Attache.Core.Ports;

/// <summary>
/// Where the core records audit events. <see cref="Record"/> is called on request paths: it never blocks, never does
/// I/O and never throws; an implementation that cannot keep an event counts it and says so in its log.
/// Thread-safe.
/// </summary>
public interface IAuditLog
{
    void Record(AuditEvent auditEvent);
}

/// <summary>Where audit events are kept. Thread-safe; provider errors surface as exceptions.</summary>
public interface IAuditStore
{
    /// <summary>Appends the events in one transaction, in order; each gets the next id. Their <see cref="AuditEvent.Id"/> is ignored.</summary>
    Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Events matching every given filter, newest (highest id) first, with ids below <see cref="AuditQuery.Before"/>,
    /// at most <see cref="AuditQuery.Limit"/>. <see cref="AuditQuery.From"/> is inclusive, <see cref="AuditQuery.To"/> exclusive.
    /// </summary>
    Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}
