using Attache.Core;
using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Ports;

namespace Attache.Storage.Tests.Blobs;

/// <summary>The rows that make a blob referenced: document "doc" with file "1" whose version 1 holds the blob.</summary>
internal static class BlobRows
{
    public static async Task RecordAsync(IMetadataStore metadata, StagedBlob blob, CancellationToken cancellationToken)
    {
        var document = new Document
        {
            Id = "doc", Kind = "k", Title = "t", Owner = "o", Created = DateTimeOffset.UnixEpoch, Modified = DateTimeOffset.UnixEpoch,
        };
        Assert.True(await metadata.TryCreateDocumentAsync(document, cancellationToken));
        var file = new StoredFile
        {
            Id = "1", DocumentId = "doc", Slot = "s", Index = 0, FileName = "a.txt", MediaType = "text/plain",
            State = UploadState.ReadyForDownloadFromServerToClient, CurrentVersion = 1, Size = blob.Size, Sha256 = blob.Sha256, Md5 = blob.Md5,
            Created = DateTimeOffset.UnixEpoch, Modified = DateTimeOffset.UnixEpoch,
        };
        var version = new FileVersion
        {
            FileId = "1", Number = 1, Size = blob.Size, Sha256 = blob.Sha256, Md5 = blob.Md5, FileName = "a.txt", MediaType = "text/plain",
            Created = DateTimeOffset.UnixEpoch,
        };
        Assert.True(await metadata.SaveFileAsync(file, version, cancellationToken));
    }
}
