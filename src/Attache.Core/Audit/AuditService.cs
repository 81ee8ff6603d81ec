using System.Globalization;
using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Core.Audit;

/// <summary>Reads the audit trail; administrators only.</summary>
public sealed class AuditService(IAuditStore store, AuditTrail trail)
{
    public const int MaxPageSize = 1000;

    /// <summary>A page of events, newest first; <paramref name="cursor"/> is the <see cref="AuditPage.NextCursor"/> of the page before.</summary>
    public async Task<Outcome<AuditPage>> QueryAsync(Caller caller, AuditQuery query, string? cursor, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            var denied = new Failure.Forbidden("Only an administrator may read the audit trail.");
            trail.Denied(caller, "audit", denied);
            return denied;
        }

        if (query.Limit is < 1 or > MaxPageSize)
        {
            return new Failure.Invalid($"limit must be between 1 and {MaxPageSize}.", "limit");
        }

        if (query.Action is not null && !AuditActions.All.Contains(query.Action))
        {
            return new Failure.Invalid($"action must be one of {string.Join(", ", AuditActions.All)}.", "action");
        }

        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return new Failure.Invalid("The cursor is not valid.", "cursor");
            }

            before = id;
        }

        var items = await store.QueryAsync(query with { Before = before, Limit = query.Limit + 1 }, cancellationToken);
        return items.Count > query.Limit
            ? new AuditPage(items.Take(query.Limit).ToList(), items[query.Limit - 1].Id.ToString(CultureInfo.InvariantCulture))
            : new AuditPage(items, null);
    }
}
