using Attache.Core.Files;

namespace Attache.Core.Editing;

/// <summary>
/// Rev's rule for edited transcripts: the latest version is served only once every editor session on the file has been
/// closed for at least <see cref="QuietPeriod"/>; until then, the version that was current the last time the file was
/// quiet.
/// </summary>
public static class StableVersions
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The number of the version to serve at <paramref name="now"/>. A session makes the file busy from its opening until
    /// <see cref="QuietPeriod"/> after its closing (for ever while open); the answer is the latest version stored before
    /// the busy stretch that holds <paramref name="now"/> began, or the latest of all when none does. When every version
    /// was stored while busy, the first one (the delivered transcript) is the answer. Null without versions.
    /// </summary>
    public static int? Choose(IReadOnlyList<FileVersion> versions, IReadOnlyList<EditorSession> sessions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(sessions);
        if (versions.Count == 0)
        {
            return null;
        }

        var busySince = BusySince(sessions, now);
        var candidates = busySince is { } start ? versions.Where(v => v.Created < start).ToList() : versions;
        return candidates.Count > 0 ? candidates.Max(v => v.Number) : versions.Min(v => v.Number);
    }

    /// <summary>When the busy stretch holding <paramref name="now"/> began, or null when the file is quiet at that instant.</summary>
    private static DateTimeOffset? BusySince(IReadOnlyList<EditorSession> sessions, DateTimeOffset now)
    {
        // Busy intervals [opened, closed + quiet) that have begun by now, latest start first; walking back through
        // overlapping ones finds where the stretch containing now starts.
        var intervals = sessions
            .Where(s => s.Opened <= now)
            .Select(s => (Start: s.Opened, End: s.Closed is { } closed ? closed + QuietPeriod : DateTimeOffset.MaxValue))
            .OrderByDescending(i => i.Start)
            .ToList();
        DateTimeOffset? since = null;
        var reach = now;
        foreach (var (start, end) in intervals)
        {
            var holds = since is null ? end > now : end >= reach;
            if (holds)
            {
                since = start;
                reach = start;
            }
        }

        return since;
    }
}
