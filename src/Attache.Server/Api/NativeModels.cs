using Attache.Core;
using Attache.Core.Documents;
using Attache.Core.Files;

namespace Attache.Server.Api;

internal sealed record CreateDocumentRequest(
    string? Id,
    string? Kind,
    string? Title,
    string? Owner,
    string? State,
    string? Folder,
    Dictionary<string, string>? Properties,
    string? SourceUrl,
    List<AclEntryModel>? Acl,
    List<AttributeModel>? Attributes);

internal sealed record UpdateDocumentRequest(
    string? Kind,
    string? Title,
    string? State,
    string? Folder,
    Dictionary<string, string?>? Properties,
    string? SourceUrl,
    List<AclEntryModel>? Acl);

internal sealed record AclEntryModel(string? Principal, string? Group, List<string> Permissions);

internal sealed record AttributeModel(string Id, string Type, bool Multiple, string Visibility);

internal sealed record DocumentModel(
    string Id,
    string Kind,
    string Title,
    string Owner,
    string? State,
    string? Folder,
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyList<AttributeModel> Attributes,
    IReadOnlyList<AclEntryModel> Acl,
    string? SourceUrl,
    DateTimeOffset Created,
    DateTimeOffset Modified,
    DateTimeOffset? Deleted)
{
    public static DocumentModel From(Document d) => new(
        d.Id, d.Kind, d.Title, d.Owner, d.State, d.Folder, d.Properties,
        d.Attributes.Select(a => new AttributeModel(a.Id, a.Type, a.Multiple, a.Visibility)).ToList(),
        d.Acl.Select(e => new AclEntryModel(e.Principal, e.Group, e.Permissions.ToList())).ToList(),
        d.SourceUrl, d.Created, d.Modified, d.Deleted);
}

internal sealed record DocumentPageModel(IReadOnlyList<DocumentModel> Items, string? NextCursor);

internal sealed record FileModel(
    string Id,
    string DocumentId,
    string Slot,
    int Index,
    string FileName,
    string MediaType,
    long Size,
    string Sha256,
    string Md5,
    UploadState State,
    int? Version,
    bool HasThumbnail,
    DateTimeOffset Created,
    DateTimeOffset Modified,
    DateTimeOffset? Removed)
{
    public static FileModel From(StoredFile f) => new(
        f.Id, f.DocumentId, f.Slot, f.Index, f.FileName, f.MediaType, f.Size, f.Sha256, f.Md5, f.State,
        f.CurrentVersion, f.HasThumbnail, f.Created, f.Modified, f.Removed);
}

internal sealed record FileListModel(IReadOnlyList<FileModel> Items);

internal sealed record VersionModel(
    int Number,
    long Size,
    string Sha256,
    string Md5,
    string FileName,
    string MediaType,
    DateTimeOffset Created,
    string? CreatedBy)
{
    public static VersionModel From(FileVersion v) =>
        new(v.Number, v.Size, v.Sha256, v.Md5, v.FileName, v.MediaType, v.Created, v.CreatedBy);
}

internal sealed record VersionListModel(IReadOnlyList<VersionModel> Items);
