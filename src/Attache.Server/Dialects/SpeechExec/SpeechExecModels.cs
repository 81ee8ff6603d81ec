using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Attache.Server.Dialects.SpeechExec;

internal sealed record UsersResponse(
    [property: JsonPropertyName("CRI")] string Cri,
    [property: JsonPropertyName("users")] IReadOnlyList<UserItem> Users);

internal sealed record UserItem([property: JsonPropertyName("username")] string Username);

internal sealed record DictationsResponse(
    [property: JsonPropertyName("CRI")] string Cri,
    [property: JsonPropertyName("data")] IReadOnlyList<UserDictations> Data);

internal sealed record UserDictations(
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("role")] int Role,
    [property: JsonPropertyName("files")] IReadOnlyList<CacheItem> Files);

/// <summary>One dictation as the product's cache database describes it.</summary>
internal sealed record CacheItem(
    [property: JsonPropertyName("DictationID")] string DictationId,
    [property: JsonPropertyName("AudioFileName")] string AudioFileName,
    [property: JsonPropertyName("DictationState")] int DictationState,
    [property: JsonPropertyName("HasAttachment")] bool HasAttachment,
    [property: JsonPropertyName("IsArchive")] bool IsArchive,
    [property: JsonPropertyName("SubfolderHierarchy")] string SubfolderHierarchy,
    [property: JsonPropertyName("LastChangedDateTimeUtc")] string LastChangedDateTimeUtc);

[JsonSerializable(typeof(SpeechExecErrorBody))]
[JsonSerializable(typeof(UsersResponse))]
[JsonSerializable(typeof(DictationsResponse))]
internal sealed partial class SpeechExecJson : JsonSerializerContext
{
    /// <summary>Names and file names as they are (UTF-8), not as \u escapes; JSON control characters are still escaped.</summary>
    public static SpeechExecJson Wire { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
