using Attache.Core.Ports;

namespace Attache.Core.Files;

/// <summary>
/// Serialises the two steps that race on shared blobs: committing a new reference and deleting a blob that looked
/// unreferenced. With both under one lock, held across every node sharing the stores, a purge never deletes bytes that
/// an upload is about to point at. A blob is referenced while a file version or a rendition refers to it.
/// </summary>
public sealed class BlobJanitor(IMetadataStore metadata, IBlobStore blobs, IRenditionStore renditions, IClusterLocks locks)
{
    /// <summary>The lock name; one for all blobs, since a commit and a purge may share any key.</summary>
    public const string LockName = "blobs";

    /// <summary>
    /// Commits the staged bytes and runs <paramref name="record"/> while no purge can run. When it fails, the bytes are
    /// deleted again unless a version or a rendition refers to them.
    /// </summary>
    public async Task<Outcome<T>> CommitAsync<T>(StagedBlob staged, Func<Task<Outcome<T>>> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staged);
        ArgumentNullException.ThrowIfNull(record);
        await using (await locks.AcquireAsync(LockName, cancellationToken))
        {
            await staged.CommitAsync(cancellationToken);
            Outcome<T> recorded;
            try
            {
                recorded = await record();
            }
            catch
            {
                await DeleteIfUnreferencedAsync(staged.Sha256);
                throw;
            }

            if (!recorded.Succeeded)
            {
                await DeleteIfUnreferencedAsync(staged.Sha256);
            }

            return recorded;
        }
    }

    /// <summary>
    /// Commits every staged blob and runs <paramref name="record"/> once while no purge can run. When it answers false,
    /// the blobs that no version refers to are deleted again.
    /// </summary>
    public async Task<bool> CommitAllAsync(IReadOnlyCollection<StagedBlob> staged, Func<Task<bool>> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staged);
        await using (await locks.AcquireAsync(LockName, cancellationToken))
        {
            var recorded = false;
            try
            {
                foreach (var blob in staged)
                {
                    await blob.CommitAsync(cancellationToken);
                }

                recorded = await record();
                return recorded;
            }
            finally
            {
                if (!recorded)
                {
                    foreach (var key in staged.Select(b => b.Sha256).Distinct(StringComparer.Ordinal))
                    {
                        await DeleteIfUnreferencedAsync(key);
                    }
                }
            }
        }
    }

    public async Task PurgeDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        await using (await locks.AcquireAsync(LockName, cancellationToken))
        {
            // Renditions go first: should the content purge fail, their bytes are only left behind, never lost.
            var keys = new List<string>(await renditions.PurgeDocumentAsync(documentId, cancellationToken));
            keys.AddRange(await metadata.PurgeDocumentContentAsync(documentId, CancellationToken.None));
            foreach (var key in keys.Distinct(StringComparer.Ordinal))
            {
                await DeleteIfUnreferencedAsync(key);
            }
        }
    }

    /// <summary>
    /// Deletes every blob of <paramref name="inventory"/> that no file version or rendition refers to: what a crash
    /// between committing the bytes and recording them leaves behind. Each candidate is checked again and deleted under
    /// the lock, so a commit of the same bytes on any node either finished before (and the blob is kept) or waits until
    /// after (and commits the bytes anew); commits of other blobs are held up only for one check at a time.
    /// </summary>
    /// <returns>How many blobs were deleted.</returns>
    public async Task<int> SweepOrphansAsync(IBlobInventory inventory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var removed = 0;
        await foreach (var key in inventory.ListKeysAsync(cancellationToken))
        {
            // The unlocked look first keeps the lock free for the common case, a referenced blob.
            if (await IsReferencedAsync(key, cancellationToken))
            {
                continue;
            }

            await using (await locks.AcquireAsync(LockName, cancellationToken))
            {
                if (!await IsReferencedAsync(key, cancellationToken))
                {
                    await blobs.DeleteAsync(key, cancellationToken);
                    removed++;
                }
            }
        }

        return removed;
    }

    private async Task<bool> IsReferencedAsync(string key, CancellationToken cancellationToken) =>
        await metadata.IsBlobReferencedAsync(key, cancellationToken) || await renditions.IsBlobReferencedAsync(key, cancellationToken);

    private async Task DeleteIfUnreferencedAsync(string key)
    {
        if (!await metadata.IsBlobReferencedAsync(key, CancellationToken.None)
            && !await renditions.IsBlobReferencedAsync(key, CancellationToken.None))
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }
    }
}
