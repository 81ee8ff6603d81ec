using System.Text.Json.Serialization;
using Attache.Core.Messages;

namespace Attache.Server.Dialects.Chat;

/// <summary>An attachment's metadata, exactly as the chat product names and types its fields.</summary>
internal sealed record ChatAttachment(
    [property: JsonPropertyName("attachmentId")] long AttachmentId,
    [property: JsonPropertyName("attachmentState")] string AttachmentState,
    [property: JsonPropertyName("createdUtc")] long CreatedUtc,
    [property: JsonPropertyName("fileChecksum")] string? FileChecksum,
    [property: JsonPropertyName("fileName")] string FileName,
    [property: JsonPropertyName("fileSize")] long FileSize,
    [property: JsonPropertyName("hasThumbnail")] bool HasThumbnail,
    [property: JsonPropertyName("lastModifiedUtc")] long LastModifiedUtc,
    [property: JsonPropertyName("roomId")] long? RoomId,
    [property: JsonPropertyName("textMessageId")] long TextMessageId)
{
    public static ChatAttachment From(Attachment attachment)
    {
        var file = attachment.File;
        return new(
            attachment.Id,
            file.State.ToString(),
            file.Created.ToUnixTimeMilliseconds(),
            file.Md5.Length == 0 ? null : file.Md5,
            file.FileName,
            file.Size,
            file.HasThumbnail,
            file.Modified.ToUnixTimeMilliseconds(),
            attachment.RoomId,
            attachment.MessageId);
    }
}

/// <summary><c>{"httpStatusCode":200}</c>, the answer of an upload and a delete.</summary>
internal sealed record ChatStatus([property: JsonPropertyName("httpStatusCode")] int HttpStatusCode);

/// <summary>The chat product's error envelope; <see cref="HttpStatusCode"/> is always the response's status.</summary>
internal sealed record ChatError(
    [property: JsonPropertyName("errorText")] string ErrorText,
    [property: JsonPropertyName("httpStatusCode")] int HttpStatusCode);
