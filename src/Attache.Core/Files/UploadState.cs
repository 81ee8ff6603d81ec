namespace Attache.Core;

/// <summary>Upload states of a file, in the words of the chat product. Only a ready file is downloadable.</summary>
public enum UploadState
{
    Initial,
    ChecksumCalculationOnClientSideInProgress,
    ChecksumCalculationOnClientSideFailed,
    UploadFromClientToServerInProgress,
    UploadFromClientToServerFailed,
    ChecksumVerificationOnServerSideInProgress,
    ChecksumVerificationOnServerSideMismatch,
    ChecksumVerificationOnServerSideFailed,
    ReadyForDownloadFromServerToClient,
}
