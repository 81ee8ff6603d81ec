using Attache.Core.Documents;

namespace Attache.Core.Principals;

/// <summary>
/// The one place that decides whether a caller may act on a document. A caller who may not view a document is
/// told it does not exist.
/// </summary>
public static class AccessControl
{
    public static Failure? Check(Caller caller, Document document, string permission)
    {
        if (caller.IsAdmin)
        {
            return null;
        }

        if (document.IsDeleted || !Holds(caller, document, Permissions.View))
        {
            return NotFound(document.Id);
        }

        return permission == Permissions.View || Holds(caller, document, permission)
            || (permission == Permissions.Attach && Holds(caller, document, Permissions.Edit))
            ? null
            : new Failure.Forbidden($"You may not {permission} document '{document.Id}'.");
    }

    /// <summary>True when the caller holds <c>view</c> on the document, whether or not it is deleted.</summary>
    public static bool MayView(Caller caller, Document document) => caller.IsAdmin || Holds(caller, document, Permissions.View);

    public static Failure NotFound(string documentId) => new Failure.NotFound($"Document '{documentId}' was not found.");

    private static bool Holds(Caller caller, Document document, string permission)
    {
        if (string.Equals(document.Owner, caller.Name, StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var entry in document.Acl)
        {
            var applies = (entry.Principal is not null && string.Equals(entry.Principal, caller.Name, StringComparison.Ordinal))
                || (entry.Group is not null && caller.Groups.Contains(entry.Group));
            if (applies && (entry.Permissions.Contains(permission) || entry.Permissions.Contains(Permissions.Admin)))
            {
                return true;
            }
        }

        return Rooms.MemberGroup(document) is { } room && caller.Groups.Contains(room) && Rooms.MemberPermissions.Contains(permission);
    }
}
