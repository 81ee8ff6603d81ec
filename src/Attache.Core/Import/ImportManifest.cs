using Attache.Core.Documents;
using Attache.Core.Principals;

namespace Attache.Core.Import;

/// <summary>One problem in a manifest, at a JSON path such as <c>$.documents[2].files[0].content</c>.</summary>
public sealed record ManifestError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A manifest that parsed and passed the core's rules; documents carry placeholder times until imported.</summary>
public sealed record ImportManifest(IReadOnlyList<ManifestDocument> Documents)
{
    public IReadOnlyList<ManifestPrincipal> Principals { get; init; } = [];

    /// <summary>Keys accepted server-wide (by the SpeechExec dialect), in plain text until stored hashed.</summary>
    public IReadOnlyList<string> ServerApiKeys { get; init; } = [];
}

/// <summary>A principal of the manifest with its secrets in plain text, to be hashed on import.</summary>
public sealed record ManifestPrincipal(string Path, NewPrincipal Input, IReadOnlyList<string> ApiKeys);

public sealed record ManifestDocument(string Path, Document Document, bool Deleted, IReadOnlyList<ManifestFile> Files);

/// <summary>A file of the manifest; without <see cref="Id"/> it is known by its document, slot and index.</summary>
public sealed record ManifestFile(
    string Path,
    string? Id,
    string Slot,
    int Index,
    string FileName,
    string MediaType,
    bool Removed,
    UploadState State,
    ManifestContent Content);

public abstract record ManifestContent
{
    private ManifestContent()
    {
    }

    /// <summary>Bytes given in the manifest itself, as <c>text</c> (UTF-8) or <c>base64</c>.</summary>
    public sealed record Inline(ReadOnlyMemory<byte> Bytes) : ManifestContent;

    /// <summary>Bytes sent alongside the manifest, in the multipart part named exactly <see cref="RelativePath"/>.</summary>
    public sealed record FromPath(string RelativePath) : ManifestContent;
}

/// <summary>What an import changed. Unchanged items were left exactly as they were, times included.</summary>
public sealed record ImportReport(
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

/// <summary>How the manifest's bytes may arrive and how media types are guessed.</summary>
/// <param name="AllowPathContent">True when the caller can send <c>path</c> contents as parts alongside the manifest.</param>
/// <param name="GuessMediaType">The media type for a file name, used when a file has no <c>mediaType</c>.</param>
public sealed record ImportOptions(bool AllowPathContent = false, Func<string, string>? GuessMediaType = null);
