using Attache.Core;

namespace Attache.Storage.Metadata;

/// <summary>The one statement both metadata adapters run for <see cref="Core.Ports.IStaleUploads"/>; the revision moves on so a concurrent writer re-reads.</summary>
internal static class StaleUploadsSql
{
    public const string Fail = $"""
        UPDATE files SET state = '{nameof(UploadState.UploadFromClientToServerFailed)}', modified = @now, revision = revision + 1
        WHERE state IN ('{nameof(UploadState.UploadFromClientToServerInProgress)}', '{nameof(UploadState.ChecksumVerificationOnServerSideInProgress)}')
          AND modified < @before
        RETURNING id;
        """;
}
