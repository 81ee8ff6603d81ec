using Attache.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Attache.Server.Dialects.Chat;

/// <summary>The chat dialect's one mapping from core failures (and framework errors) to <c>{errorText, httpStatusCode}</c>.</summary>
internal sealed class ChatErrors : IDialectErrors
{
    public const string Unauthorized = "Wrong Bearer, please renew Web API Access Token";
    public const string AttachmentNotFound = "Attachment not found";
    public const string MessageNotFound = "Message not found";

    public static JsonHttpResult<ChatError> Error(int status, string text) => TypedResults.Json(new ChatError(text, status), statusCode: status);

    /// <summary>
    /// Not found is worded as the seed does, whatever the reason (no such attachment, removed, another room's), so that
    /// nothing tells an outsider what exists; the other failures carry the core's reason.
    /// </summary>
    public static JsonHttpResult<ChatError> From(Failure failure, string notFound = AttachmentNotFound)
    {
        var (status, text) = failure switch
        {
            Failure.NotFound => (StatusCodes.Status404NotFound, notFound),
            Failure.Forbidden forbidden => (StatusCodes.Status403Forbidden, forbidden.Message),
            Failure.NotReady notReady => (StatusCodes.Status409Conflict, $"Attachment is not ready for download: its state is {notReady.State}"),
            Failure.Invalid invalid => (StatusCodes.Status400BadRequest, invalid.Message),
            Failure.InvalidManifest manifest => (StatusCodes.Status400BadRequest, manifest.Message),
            Failure.Conflict conflict => (StatusCodes.Status409Conflict, conflict.Message),
            Failure.Gone => (StatusCodes.Status404NotFound, notFound),
            Failure.TooLarge tooLarge => (StatusCodes.Status413PayloadTooLarge, tooLarge.Message),
            Failure.ChecksumMismatch mismatch => (StatusCodes.Status422UnprocessableEntity,
                $"{mismatch.Message} The attachment is in state ChecksumVerificationOnServerSideMismatch (declared {mismatch.Declared}, computed {mismatch.Computed})."),
            _ => throw new InvalidOperationException($"Unmapped failure {failure.GetType().Name}"),
        };
        return Error(status, text);
    }

    public Task WriteAsync(HttpContext http, int status, Exception? exception)
    {
        var text = status switch
        {
            StatusCodes.Status401Unauthorized => Unauthorized,
            StatusCodes.Status404NotFound => "Not found",
            StatusCodes.Status500InternalServerError => $"Internal server error; it was logged with trace id {http.TraceIdentifier}",
            _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
        };
        return Error(status, text).ExecuteAsync(http);
    }
}
