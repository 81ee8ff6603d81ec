namespace Attache.Core.Ports;

/// <summary>A unit of background work on one subject (such as a file id), as claimed by one worker.</summary>
public sealed record BackgroundJob(long Id, string Kind, string Subject, int Attempts, DateTimeOffset Created);

/// <summary>
/// A durable queue of background work shared by every node: a job survives a restart, and a claim holds it for one
/// worker until its lease ends, after which any worker may claim it again (the holder is presumed dead). Implementations
/// are thread-safe, and a claim is atomic across processes: no two workers ever hold the same job at the same time.
/// </summary>
public interface IJobStore
{
    /// <summary>
    /// Adds a job of <paramref name="kind"/> on <paramref name="subject"/>, claimable at once; false, and nothing changed,
    /// when one of that kind on that subject is already waiting or claimed.
    /// </summary>
    Task<bool> EnqueueAsync(string kind, string subject, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the oldest job of <paramref name="kind"/> that is due at <paramref name="now"/> (never claimed, released, or
    /// its lease ended): it is held by <paramref name="owner"/> until <paramref name="now"/> + <paramref name="lease"/>, and
    /// its attempt count goes up by one. Null when no job is due.
    /// </summary>
    Task<BackgroundJob?> ClaimAsync(string kind, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Removes the job, done; false (and nothing changed) when <paramref name="owner"/> no longer holds it.</summary>
    Task<bool> CompleteAsync(long id, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a held job back, due again at <paramref name="retryAt"/> for any worker; false (and nothing changed) when
    /// <paramref name="owner"/> no longer holds it.
    /// </summary>
    Task<bool> ReleaseAsync(long id, string owner, DateTimeOffset retryAt, CancellationToken cancellationToken);

    /// <summary>How many jobs of <paramref name="kind"/> are waiting or claimed.</summary>
    Task<int> CountAsync(string kind, CancellationToken cancellationToken);
}
