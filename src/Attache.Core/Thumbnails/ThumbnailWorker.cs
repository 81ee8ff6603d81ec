using Attache.Core.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Attache.Core.Thumbnails;

/// <summary>
/// Claims thumbnail jobs from the shared <see cref="IJobStore"/> one at a time and makes them. It looks for work at start
/// (jobs left by a restart), whenever this node queues one, and every <see cref="PollInterval"/> (jobs queued by other
/// nodes, leases of dead nodes). A job that throws is retried later, up to <see cref="MaxAttempts"/> times.
/// </summary>
public sealed class ThumbnailWorker(
    IJobStore jobs, ThumbnailService thumbnails, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<ThumbnailWorker> logger)
    : BackgroundService
{
    public const int MaxAttempts = 3;

    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    /// <summary>Names this process as the holder of its claims.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The stores are ready (migrated) once every hosted service has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = await RunOneAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The store itself failed: wait, then look again rather than spin.
                logger.LogError(exception, "The thumbnail worker could not reach the job store");
                worked = false;
            }

            if (!worked)
            {
                await thumbnails.WaitForWorkAsync(PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>Claims and runs one due job; false when none was due.</summary>
    public async Task<bool> RunOneAsync(CancellationToken cancellationToken)
    {
        var job = await jobs.ClaimAsync(ThumbnailService.JobKind, Owner, time.GetUtcNow(), Lease, cancellationToken);
        if (job is null)
        {
            return false;
        }

        try
        {
            if (await thumbnails.MakeAsync(job.Subject, cancellationToken) is { } failure)
            {
                logger.LogInformation("File {FileId} gets no thumbnail: {Reason}", job.Subject, failure.Message);
            }

            await jobs.CompleteAsync(job.Id, Owner, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (job.Attempts >= MaxAttempts)
            {
                logger.LogError(exception, "Giving up the thumbnail of file {FileId} after {Attempts} attempts", job.Subject, job.Attempts);
                await jobs.CompleteAsync(job.Id, Owner, CancellationToken.None);
            }
            else
            {
                logger.LogWarning(exception, "The thumbnail of file {FileId} failed; it is tried again later", job.Subject);
                await jobs.ReleaseAsync(job.Id, Owner, time.GetUtcNow() + TimeSpan.FromMinutes(job.Attempts), CancellationToken.None);
            }
        }

        return true;
    }
}
