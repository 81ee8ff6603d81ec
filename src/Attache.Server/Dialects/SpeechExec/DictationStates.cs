namespace Attache.Server.Dialects.SpeechExec;

/// <summary>
/// A dictation's state word in Attache and the product's DictationState number (0–14, the SpeechLive / EAI codes).
/// </summary>
internal static class DictationStates
{
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["RecordingInProgress"] = 0,
        ["RecordingSuspended"] = 1,
        ["TranscriptionPending"] = 2,
        ["TranscriptionInProgress"] = 3,
        ["TranscriptionSuspended"] = 4,
        ["TranscriptionFinished"] = 5,
        ["CorrectionPending"] = 6,
        ["CorrectionInProgress"] = 7,
        ["CorrectionSuspended"] = 8,
        ["WaitingForAdaptation"] = 9,
        ["AdaptationInProgress"] = 10,
        ["QueuedForTranscriptionService"] = 11,
        ["TranscriptionServiceInProgress"] = 12,
        ["QueuedForSpeechRecognition"] = 13,
        ["SpeechRecognitionInProgress"] = 14,
    };

    /// <summary>The product's number for the word; null for a state the product has no number for.</summary>
    public static int? Number(string? state) => state is not null && Numbers.TryGetValue(state, out var number) ? number : null;
}
