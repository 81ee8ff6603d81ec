namespace Attache.Core.Files;

/// <summary>A content item of one document, in a slot at an index. Points at its current version, if any.</summary>
public sealed record StoredFile
{
    public required string Id { get; init; }

    public required string DocumentId { get; init; }

    public required string Slot { get; init; }

    public required int Index { get; init; }

    public required string FileName { get; init; }

    public required string MediaType { get; init; }

    public required UploadState State { get; init; }

    /// <summary>Number of the current version; null while no bytes were ever accepted.</summary>
    public int? CurrentVersion { get; init; }

    public long Size { get; init; }

    /// <summary>Lower-case hex SHA-256 of the current version; empty without one.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>Lower-case hex MD5 of the current version; empty without one.</summary>
    public string Md5 { get; init; } = "";

    public bool HasThumbnail { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Modified { get; init; }

    public DateTimeOffset? Removed { get; init; }

    /// <summary>How many times the record was written; 0 for one never stored. See <see cref="Ports.IMetadataStore"/>.</summary>
    public long Revision { get; init; }

    public bool IsRemoved => Removed is not null;
}

/// <summary>One immutable version of a file's bytes.</summary>
public sealed record FileVersion
{
    public required string FileId { get; init; }

    public required int Number { get; init; }

    public required long Size { get; init; }

    public required string Sha256 { get; init; }

    public required string Md5 { get; init; }

    public required string FileName { get; init; }

    public required string MediaType { get; init; }

    public required DateTimeOffset Created { get; init; }

    public string? CreatedBy { get; init; }
}
