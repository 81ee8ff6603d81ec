using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Core.Audit;

/// <summary>The core's way of writing the audit trail: stamps each event with the time, the caller and its origin.</summary>
public sealed class AuditTrail(IAuditLog log, TimeProvider time)
{
    public void Record(AuditEvent auditEvent) => log.Record(auditEvent);

    /// <summary>An event of <paramref name="action"/> by <paramref name="caller"/>, now.</summary>
    public AuditEvent Event(string action, Caller? caller, RequestOrigin? origin = null, string result = AuditResults.Ok)
    {
        origin ??= caller?.Origin;
        return new AuditEvent
        {
            Time = time.GetUtcNow(),
            Action = action,
            Principal = caller?.Name,
            Result = result,
            ClientAddress = origin?.ClientAddress,
            UserAgent = origin?.UserAgent,
            CorrelationId = origin?.CorrelationId,
        };
    }

    /// <summary>Records that the caller was refused <paramref name="permission"/> and told <paramref name="told"/>.</summary>
    public void Denied(Caller caller, string permission, Failure told, string? documentId = null, string? fileId = null) =>
        log.Record(Event(AuditActions.Denied, caller, result: AuditResults.Of(told)) with
        {
            DocumentId = documentId,
            FileId = fileId,
            Detail = permission,
        });
}
