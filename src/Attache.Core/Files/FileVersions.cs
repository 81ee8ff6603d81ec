using Attache.Core.Ports;

namespace Attache.Core.Files;

/// <summary>How newly stored bytes become a file's next version; shared by uploads and imports.</summary>
internal static class FileVersions
{
    /// <summary>The version after <paramref name="earlier"/> (number 1 for a file without versions) holding <paramref name="bytes"/>.</summary>
    public static FileVersion Next(
        IReadOnlyList<FileVersion> earlier, string fileId, StagedBlob bytes, string fileName, string mediaType, DateTimeOffset created, string? createdBy) => new()
    {
        FileId = fileId,
        Number = earlier.Count == 0 ? 1 : earlier.Max(v => v.Number) + 1,
        Size = bytes.Size,
        Sha256 = bytes.Sha256,
        Md5 = bytes.Md5,
        FileName = fileName,
        MediaType = mediaType,
        Created = created,
        CreatedBy = createdBy,
    };

    /// <summary>The file with <paramref name="version"/> as its current version.</summary>
    public static StoredFile PointingAt(this StoredFile file, FileVersion version, DateTimeOffset modified) => file with
    {
        CurrentVersion = version.Number,
        Size = version.Size,
        Sha256 = version.Sha256,
        Md5 = version.Md5,
        Modified = modified,
    };
}
