namespace Attache.Core.Ports;

/// <summary>
/// Files left in an in-progress upload state by a process that ended mid-upload (a crash, a kill): nothing will ever
/// finish them, so they are marked failed, as a client that went away would have left them.
/// </summary>
public interface IStaleUploads
{
    /// <summary>
    /// Marks every file in <see cref="UploadState.UploadFromClientToServerInProgress"/> or
    /// <see cref="UploadState.ChecksumVerificationOnServerSideInProgress"/> last changed before <paramref name="changedBefore"/>
    /// as <see cref="UploadState.UploadFromClientToServerFailed"/> at <paramref name="now"/>, and answers their ids.
    /// </summary>
    Task<IReadOnlyList<string>> FailAsync(DateTimeOffset changedBefore, DateTimeOffset now, CancellationToken cancellationToken);
}
