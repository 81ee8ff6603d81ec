using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Principals;

namespace Attache.Core.Import;

/// <summary>
/// Everything one import writes: principals to insert or replace with API keys to add (hashed), server-wide keys to
/// add (hashed), documents to insert or replace, files to insert or replace with their new versions.
/// </summary>
public sealed record ImportBatch(IReadOnlyList<Document> Documents, IReadOnlyList<ImportedFile> Files)
{
    public IReadOnlyList<ImportedPrincipal> Principals { get; init; } = [];

    public IReadOnlyList<ApiKeyRecord> ApiKeys { get; init; } = [];

    /// <summary>Server-wide keys to add; keys already stored are left as they are.</summary>
    public IReadOnlyList<ServerApiKeyRecord> ServerApiKeys { get; init; } = [];

    public bool IsEmpty => Documents.Count == 0 && Files.Count == 0 && Principals.Count == 0 && ApiKeys.Count == 0 && ServerApiKeys.Count == 0;
}

/// <summary>A principal to insert (<paramref name="IsNew"/>) or replace.</summary>
public sealed record ImportedPrincipal(Principal Principal, bool IsNew);

/// <summary>A file to insert or replace and, when its bytes changed, its new version.</summary>
public sealed record ImportedFile(StoredFile File, FileVersion? NewVersion);
