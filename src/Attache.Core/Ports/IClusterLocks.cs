namespace Attache.Core.Ports;

/// <summary>
/// Named exclusive locks that hold across every Attache node sharing the stores, for the few steps that must never run
/// on two nodes at once (deleting a blob that looks unreferenced while another node commits a reference to it; rendering
/// the same rendition twice). Thread-safe.
/// </summary>
public interface IClusterLocks
{
    /// <summary>Waits until no holder anywhere has <paramref name="name"/>; disposing the answer releases it.</summary>
    Task<IAsyncDisposable> AcquireAsync(string name, CancellationToken cancellationToken);
}
