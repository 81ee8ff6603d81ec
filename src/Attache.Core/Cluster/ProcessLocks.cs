using Attache.Core.Ports;

namespace Attache.Core.Cluster;

/// <summary>
/// <see cref="IClusterLocks"/> for one process: enough for the embedded stores, which one node owns. Adapters of shared
/// stores wrap it, so that waiters in one process queue here instead of each holding a database connection.
/// </summary>
public sealed class ProcessLocks : IClusterLocks
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<IAsyncDisposable> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(name, out entry!))
            {
                entry = new Entry();
                _entries.Add(name, entry);
            }

            entry.Users++;
        }

        try
        {
            await entry.Gate.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(name, entry);
            throw;
        }

        return new Holder(this, name, entry);
    }

    /// <summary>How many names are held or awaited; the rest are forgotten, so many distinct names cost nothing.</summary>
    internal int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    private void Leave(string name, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(name);
                entry.Gate.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Holder(ProcessLocks owner, string name, Entry entry) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                entry.Gate.Release();
                owner.Leave(name, entry);
            }

            return ValueTask.CompletedTask;
        }
    }
}
