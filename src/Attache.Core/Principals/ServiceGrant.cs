using Attache.Core.Documents;

namespace Attache.Core.Principals;

/// <summary>
/// What a server-wide key (a caller that is no principal) may read: documents of one kind, not deleted, whose owner is
/// an enabled member of one group. The SpeechExec key reads the dictations of Enterprise members this way.
/// </summary>
public sealed record ServiceGrant(string DocumentKind, string OwnerGroup)
{
    /// <summary>True when <paramref name="owner"/> is someone this grant reads on behalf of.</summary>
    public bool Covers(Principal owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return owner.Enabled && owner.Groups.Contains(OwnerGroup, StringComparer.Ordinal);
    }

    /// <summary>True when the grant lets its holder view <paramref name="document"/>, owned by <paramref name="owner"/>.</summary>
    public bool Allows(Document document, Principal owner)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(owner);
        return !document.IsDeleted
            && string.Equals(document.Kind, DocumentKind, StringComparison.Ordinal)
            && string.Equals(document.Owner, owner.Name, StringComparison.Ordinal)
            && Covers(owner);
    }
}
