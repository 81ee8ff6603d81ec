using System.Threading.RateLimiting;
using Attache.Rendering;
using Microsoft.Extensions.Options;

namespace Attache.Server.Api;

/// <summary>
/// Caps how many rendition requests run at once (Attache:Rendering:MaxConcurrent), with a bounded queue behind them
/// (MaxQueued): renderings hold a transcript's layout in memory and a core each, so a burst must wait or be told to
/// come back rather than exhaust the server. One gate for every path that renders (/v1 and the dialects), so the cap
/// holds whichever way the requests come in.
/// </summary>
internal sealed class RenditionGate(IOptions<RenderingOptions> options) : IDisposable
{
    /// <summary>The seconds a refused client is asked to wait.</summary>
    public const int RetryAfterSeconds = 2;

    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, options.Value.MaxConcurrent),
        QueueLimit = Math.Max(0, options.Value.MaxQueued),
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>A lease to dispose when done; not acquired when every turn and queue place is taken.</summary>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    /// <summary>Asks a refused client to come back after <see cref="RetryAfterSeconds"/>; the status and body are the caller's envelope.</summary>
    public static void AskToRetryLater(HttpResponse response) =>
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _limiter.Dispose();
}
