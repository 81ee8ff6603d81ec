using Attache.Core.Ports;

namespace Attache.Core.Tests.Fakes;

/// <summary>The rendition port in memory, with the same rules as the SQLite adapter.</summary>
internal sealed class InMemoryRenditionStore : IRenditionStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<RenditionKey, Rendition> _renditions = [];

    public IReadOnlyCollection<Rendition> All
    {
        get
        {
            lock (_lock)
            {
                return _renditions.Values.ToList();
            }
        }
    }

    public Task<Rendition?> FindAsync(RenditionKey key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_renditions.GetValueOrDefault(key));
        }
    }

    public Task<Rendition> AddAsync(Rendition rendition, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_renditions.TryAdd(rendition.Key, rendition) ? rendition : _renditions[rendition.Key]);
        }
    }

    public Task<IReadOnlyList<string>> PurgeDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var purged = _renditions.Values.Where(r => r.DocumentId == documentId).ToList();
            foreach (var rendition in purged)
            {
                _renditions.Remove(rendition.Key);
            }

            return Task.FromResult<IReadOnlyList<string>>(purged.Select(r => r.Sha256).Distinct(StringComparer.Ordinal).ToList());
        }
    }

    public Task<bool> IsBlobReferencedAsync(string sha256, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_renditions.Values.Any(r => r.Sha256 == sha256));
        }
    }
}
