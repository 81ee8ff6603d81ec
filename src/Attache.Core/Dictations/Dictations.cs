using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Principals;

namespace Attache.Core.Dictations;

/// <summary>How a dictation sits in the core model (DESIGN §3): its kind, folders, finished state and attachment slot.</summary>
public static class DictationModel
{
    public const string Kind = "dictation";
    public const string ArchiveFolder = "archive";
    public const string FinishedFolder = "finished";
    public const string FinishedState = "TranscriptionFinished";
    public const string AttachmentSlot = "attachment";

    /// <summary>The recording, when it is stored with the dictation.</summary>
    public const string AudioSlot = "audio";

    /// <summary>The folders searched, in order: the archive first, then the finished folder.</summary>
    public static readonly IReadOnlyList<string> SearchedFolders = [ArchiveFolder, FinishedFolder];

    /// <summary>A dictation's document id: its GUID in lower case with dashes, so that one GUID names one document.</summary>
    public static string DocumentId(Guid id) => id.ToString("D");
}

/// <summary>A dictation the caller was found allowed to read; only the core makes one.</summary>
public sealed class FoundDictation
{
    internal FoundDictation(Caller caller, Document document)
    {
        Caller = caller;
        Document = document;
    }

    public Caller Caller { get; }

    public Document Document { get; }
}

/// <summary>A dictation of a list with the files a listing describes: its attachment and recording, when there are any.</summary>
public sealed record DictationEntry(Document Document, StoredFile? Attachment, StoredFile? Audio);
