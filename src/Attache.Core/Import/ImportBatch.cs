using Attache.Core.Documents;
using Attache.Core.Files;

namespace Attache.Core.Import;

/// <summary>Everything one import writes: documents to insert or replace, files to insert or replace with their new versions.</summary>
public sealed record ImportBatch(IReadOnlyList<Document> Documents, IReadOnlyList<ImportedFile> Files)
{
    public bool IsEmpty => Documents.Count == 0 && Files.Count == 0;
}

/// <summary>A file to insert or replace and, when its bytes changed, its new version.</summary>
public sealed record ImportedFile(StoredFile File, FileVersion? NewVersion);
