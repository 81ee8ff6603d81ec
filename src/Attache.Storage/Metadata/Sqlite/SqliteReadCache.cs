using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Attache.Storage.Metadata.Sqlite;

/// <summary>
/// Remembers the answers of the point reads a download makes (API key → principal, document, file, version…) until
/// the next write to the SQLite file. Any committed write on any connection of this process ends every entry: SQLite's
/// commit hook marks the connection, and the generation moves on both when the commit starts and when the connection
/// closes after it, so a read that raced the write is never kept. The embedded file belongs to one process, so no
/// other node can write behind this cache's back; on PostgreSQL nothing is cached.
/// </summary>
public sealed class SqliteReadCache
{
    /// <summary>Entries kept at most; past it the cache starts over (a burst of distinct keys, not the steady state).</summary>
    internal const int Capacity = 10_000;

    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    private readonly ConditionalWeakTable<sqlite3, WriteMark> _hooked = [];
    private long _generation;
    private long _hits;

    /// <summary>How many times a write ended the cached entries; for tests and diagnostics.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>How many reads were answered from the cache; for tests and diagnostics.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>
    /// The cached answer to (<paramref name="kind"/>, <paramref name="key"/>, <paramref name="number"/>), else
    /// <paramref name="read"/>'s. With <paramref name="keepAbsent"/> false a null or false answer is not kept, so that
    /// guessed secrets sprayed at the server cannot push the real ones out.
    /// </summary>
    internal async Task<T> GetOrReadAsync<T>(string kind, string key, int number, Func<Task<T>> read, bool keepAbsent = true)
    {
        var generation = Interlocked.Read(ref _generation);
        var id = new Key(kind, key, number);
        if (_entries.TryGetValue(id, out var entry) && entry.Generation == generation)
        {
            Interlocked.Increment(ref _hits);
            return (T)entry.Value!;
        }

        var value = await read();
        if (!keepAbsent && EqualityComparer<T>.Default.Equals(value, default))
        {
            return value;
        }

        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        // Tagged with the generation seen before the read: a write that committed meanwhile has moved it on.
        _entries[id] = new Entry(generation, value);
        return value;
    }

    /// <summary>
    /// Watches a just-opened connection for commits; called by <see cref="SqliteDatabase.OpenAsync"/>. With
    /// <paramref name="watched"/> false its commits leave the entries alone: only for writes to tables no cached read
    /// looks at (the audit trail). The hook stays on the pooled handle, so the choice is made anew at every open.
    /// </summary>
    internal void Watch(SqliteConnection connection, bool watched = true)
    {
        var handle = connection.Handle!;
        var mark = _hooked.GetValue(handle, h =>
        {
            var created = new WriteMark();
            raw.sqlite3_commit_hook(h, state =>
            {
                var marked = (WriteMark)state;
                if (!marked.Ignored)
                {
                    marked.Committed = true;
                    Changed();
                }

                return 0;
            }, created);
            return created;
        });
        mark.Committed = false;
        mark.Ignored = !watched;
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState == System.Data.ConnectionState.Closed && mark.Committed)
            {
                mark.Committed = false;
                Changed();
            }
        };
    }

    private void Changed()
    {
        Interlocked.Increment(ref _generation);
    }

    private readonly record struct Key(string Kind, string Value, int Number);

    private sealed record Entry(long Generation, object? Value);

    private sealed class WriteMark
    {
        public volatile bool Committed;

        public volatile bool Ignored;
    }
}
