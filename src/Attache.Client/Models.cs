namespace Attache.Client;

/// <summary>A document as the server describes it.</summary>
public sealed record AttacheDocument(
    string Id,
    string Kind,
    string Title,
    string Owner,
    string? State,
    string? Folder,
    IReadOnlyDictionary<string, string> Properties,
    string? SourceUrl,
    DateTimeOffset Created,
    DateTimeOffset Modified,
    DateTimeOffset? Deleted);

/// <summary>What to create; null members take the server's defaults (a generated id, kind <c>generic</c>).</summary>
public sealed record NewAttacheDocument(
    string? Id = null,
    string? Kind = null,
    string? Title = null,
    string? State = null,
    string? Folder = null,
    IReadOnlyDictionary<string, string>? Properties = null);

/// <summary>A stored file and its current version.</summary>
public sealed record AttacheFile(
    string Id,
    string DocumentId,
    string Slot,
    int Index,
    string FileName,
    string MediaType,
    long Size,
    string Sha256,
    string Md5,
    string State,
    int? Version,
    DateTimeOffset Created,
    DateTimeOffset Modified,
    DateTimeOffset? Removed);

/// <summary>What a download wrote, as the server described it.</summary>
public sealed record DownloadedFile(string? FileName, string? MediaType, long Length, string Sha256);

/// <summary>What an import changed; unchanged documents and files were left exactly as they were.</summary>
public sealed record AttacheImportReport(
    int DocumentsCreated,
    int DocumentsUpdated,
    int DocumentsUnchanged,
    int FilesCreated,
    int FilesWithNewVersion,
    int FilesUpdated,
    int FilesUnchanged,
    long BytesStored,
    int PrincipalsCreated = 0,
    int PrincipalsUpdated = 0,
    int PrincipalsUnchanged = 0);

/// <summary>One error of a refused manifest: where (a JSON path such as <c>$.documents[0].id</c>) and what.</summary>
public sealed record AttacheProblemError(string Path, string Message);

internal sealed record ProblemBody(string? Title, string? Detail, IReadOnlyList<AttacheProblemError>? Errors);
