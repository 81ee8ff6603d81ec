using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Core.Downloads;

/// <summary>Resolves "file X (at version N) for caller P" into a <see cref="DownloadPlan"/>, checking access first.</summary>
public sealed class DownloadService(IMetadataStore metadata, FileService files)
{
    /// <summary>The current version of a ready file; with <paramref name="version"/>, that immutable version.</summary>
    public async Task<Outcome<DownloadPlan>> ResolveAsync(Caller caller, string fileId, int? version, CancellationToken cancellationToken)
    {
        var found = await files.FindAsync(caller, fileId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var pair, out var failure))
        {
            return failure;
        }

        var (file, document) = pair;
        if (file.IsRemoved)
        {
            return FileService.FileNotFound(fileId);
        }

        if (version is null && (file.State != UploadState.ReadyForDownloadFromServerToClient || file.CurrentVersion is null))
        {
            return new Failure.NotReady($"File '{fileId}' is not ready for download: its state is {file.State}.", file.State);
        }

        var number = version ?? file.CurrentVersion!.Value;
        var stored = await metadata.FindVersionAsync(file.Id, number, cancellationToken);
        if (stored is null)
        {
            return new Failure.NotFound($"File '{fileId}' has no version {number}.");
        }

        return Plan(stored) with { Audit = DownloadAudit.For(caller, document.Id) };
    }

    /// <summary>The plan that sends one stored version as it is.</summary>
    public static DownloadPlan Plan(FileVersion version) =>
        new(version.FileId, version.Number, version.Sha256, version.Size, version.Sha256, version.Md5, version.Created, version.MediaType, version.FileName);
}
