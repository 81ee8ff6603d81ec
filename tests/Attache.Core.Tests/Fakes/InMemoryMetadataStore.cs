using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Import;
using Attache.Core.Ports;

namespace Attache.Core.Tests.Fakes;

/// <summary>The metadata port in dictionaries under one lock, following the contract the SQLite store passes.</summary>
internal sealed class InMemoryMetadataStore : IMetadataStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Document> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredFile> _files = new(StringComparer.Ordinal);
    private readonly List<FileVersion> _versions = [];
    private long _lastFileId;

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<Document?> FindDocumentAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_documents.GetValueOrDefault(id));
        }
    }

    public Task<bool> TryCreateDocumentAsync(Document document, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(WriteDocument(document));
        }
    }

    public Task<bool> UpdateDocumentAsync(Document document, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(document.Revision != 0 && WriteDocument(document));
        }
    }

    public Task<IReadOnlyList<Document>> ListDocumentsAsync(DocumentQuery query, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        lock (_lock)
        {
            IReadOnlyList<Document> page = _documents.Values
                .Where(d => query.Kind is null || d.Kind == query.Kind)
                .Where(d => query.Owner is null || d.Owner == query.Owner)
                .Where(d => query.State is null || d.State == query.State)
                .Where(d => query.Folder is null || d.Folder == query.Folder)
                .Where(d => query.IncludeDeleted || !d.IsDeleted)
                .Where(d => query.After is null || string.CompareOrdinal(d.Id, query.After) > 0)
                .OrderBy(d => d.Id, StringComparer.Ordinal)
                .Take(query.Limit)
                .ToList();
            return Task.FromResult(page);
        }
    }

    public Task<string> NextFileIdAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Interlocked.Increment(ref _lastFileId).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task<StoredFile?> FindFileAsync(string fileId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_files.GetValueOrDefault(fileId));
        }
    }

    public Task<StoredFile?> FindFileInSlotAsync(string documentId, string slot, int index, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_files.Values.SingleOrDefault(f => f.DocumentId == documentId && f.Slot == slot && f.Index == index));
        }
    }

    public Task<IReadOnlyList<StoredFile>> ListFilesAsync(string documentId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<StoredFile> files = _files.Values
                .Where(f => f.DocumentId == documentId)
                .OrderBy(f => f.Slot, StringComparer.Ordinal)
                .ThenBy(f => f.Index)
                .ToList();
            return Task.FromResult(files);
        }
    }

    public Task<bool> SaveFileAsync(StoredFile file, FileVersion? newVersion, CancellationToken cancellationToken)
    {
        if (newVersion is not null && newVersion.FileId != file.Id)
        {
            throw new ArgumentException($"Version of file '{newVersion.FileId}' given with file '{file.Id}'.", nameof(newVersion));
        }

        lock (_lock)
        {
            if (!CanWriteFile(_files, file, newVersion))
            {
                return Task.FromResult(false);
            }

            WriteFile(file, newVersion);
            return Task.FromResult(true);
        }
    }

    public Task<bool> ImportAsync(ImportBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Principals.Count > 0 || batch.ApiKeys.Count > 0 || batch.ServerApiKeys.Count > 0)
        {
            throw new NotSupportedException("The in-memory store keeps no principals; import them through the SQLite store.");
        }

        lock (_lock)
        {
            var files = new Dictionary<string, StoredFile>(_files, StringComparer.Ordinal);
            foreach (var document in batch.Documents)
            {
                if (!CanWriteDocument(document))
                {
                    return Task.FromResult(false);
                }
            }

            foreach (var imported in batch.Files)
            {
                if (!CanWriteFile(files, imported.File, imported.NewVersion))
                {
                    return Task.FromResult(false);
                }

                files[imported.File.Id] = imported.File with { Revision = imported.File.Revision + 1 };
            }

            foreach (var document in batch.Documents)
            {
                WriteDocument(document);
            }

            foreach (var imported in batch.Files)
            {
                WriteFile(imported.File, imported.NewVersion);
                if (long.TryParse(imported.File.Id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var numeric)
                    && numeric > _lastFileId)
                {
                    _lastFileId = numeric;
                }
            }

            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<FileVersion>> ListVersionsAsync(string fileId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<FileVersion> versions = _versions.Where(v => v.FileId == fileId).OrderBy(v => v.Number).ToList();
            return Task.FromResult(versions);
        }
    }

    public Task<FileVersion?> FindVersionAsync(string fileId, int number, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_versions.SingleOrDefault(v => v.FileId == fileId && v.Number == number));
        }
    }

    public Task<IReadOnlyList<string>> PurgeDocumentContentAsync(string documentId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var fileIds = _files.Values.Where(f => f.DocumentId == documentId).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
            var keys = _versions.Where(v => fileIds.Contains(v.FileId)).Select(v => v.Sha256).Distinct(StringComparer.Ordinal).ToList();
            _versions.RemoveAll(v => fileIds.Contains(v.FileId));
            foreach (var id in fileIds)
            {
                _files[id] = _files[id] with
                {
                    CurrentVersion = null, Size = 0, Sha256 = "", Md5 = "", State = UploadState.Initial, Revision = _files[id].Revision + 1,
                };
            }

            IReadOnlyList<string> unreferenced = keys.Where(k => !_versions.Any(v => v.Sha256 == k)).Order(StringComparer.Ordinal).ToList();
            return Task.FromResult(unreferenced);
        }
    }

    public Task<bool> IsBlobReferencedAsync(string sha256, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_versions.Any(v => v.Sha256 == sha256));
        }
    }

    // The revision rules of the port: 0 inserts, anything else updates only the same stored revision; writes add one.
    private bool CanWriteDocument(Document document) =>
        document.Revision == 0 ? !_documents.ContainsKey(document.Id)
        : _documents.TryGetValue(document.Id, out var stored) && stored.Revision == document.Revision;

    private bool WriteDocument(Document document)
    {
        if (!CanWriteDocument(document))
        {
            return false;
        }

        _documents[document.Id] = document with { Revision = document.Revision + 1 };
        return true;
    }

    private bool CanWriteFile(Dictionary<string, StoredFile> files, StoredFile file, FileVersion? newVersion)
    {
        var current = file.Revision == 0 ? !files.ContainsKey(file.Id)
            : files.TryGetValue(file.Id, out var stored) && stored.Revision == file.Revision && stored.DocumentId == file.DocumentId;
        var slotFree = !files.Values.Any(f => f.Id != file.Id && f.DocumentId == file.DocumentId && f.Slot == file.Slot && f.Index == file.Index);
        var versionFree = newVersion is null || !_versions.Any(v => v.FileId == newVersion.FileId && v.Number == newVersion.Number);
        return current && slotFree && versionFree;
    }

    private void WriteFile(StoredFile file, FileVersion? newVersion)
    {
        _files[file.Id] = file with { Revision = file.Revision + 1 };
        if (newVersion is not null)
        {
            _versions.Add(newVersion);
        }
    }
}
