using System.Collections.Concurrent;

namespace Attache.Core.Principals;

/// <summary>
/// Slows password and client-secret guessing: after <see cref="MaxFailures"/> wrong secrets in a row for one account,
/// every check of that account is refused, right secret or not, until <see cref="Window"/> has passed since the last
/// wrong one. Counts live in this process; each node counts its own.
/// </summary>
public sealed class GuessThrottle(TimeProvider time)
{
    public const int MaxFailures = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Beyond this many accounts with failures, forgotten ones are swept before another is added.</summary>
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>How long the account stays refused; null when its secret may be checked now.</summary>
    public TimeSpan? RetryAfter(string account)
    {
        if (!_failures.TryGetValue(account, out var failures) || failures.Count < MaxFailures)
        {
            return null;
        }

        var left = failures.Last + Window - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : null;
    }

    public void Failed(string account)
    {
        var now = time.GetUtcNow();
        if (_failures.Count > SweepAbove)
        {
            foreach (var (key, old) in _failures)
            {
                if (old.Last + Window <= now)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }

        _failures.AddOrUpdate(account, _ => new Failures(1, now),
            (_, seen) => new Failures(seen.Last + Window <= now ? 1 : seen.Count + 1, now));
    }

    public void Succeeded(string account) => _failures.TryRemove(account, out _);

    private readonly record struct Failures(int Count, DateTimeOffset Last);
}

/// <summary>A secret check: the principal when it passed, or how long to wait when the account is throttled.</summary>
public readonly record struct SecretCheck(Principal? Principal, TimeSpan? RetryAfter);
