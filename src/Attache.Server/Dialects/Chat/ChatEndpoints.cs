using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Messages;
using Attache.Core.Thumbnails;
using Attache.Server.Api;
using Attache.Server.Auth;
using Attache.Server.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Attache.Server.Dialects.Chat;

/// <summary>
/// The chat product's attachments API (seed 004), mounted at <c>/chat</c>: upload to a message, list, metadata,
/// download by id and file name, thumbnail, delete. Authenticated by the session cookie only; errors are
/// <c>{errorText, httpStatusCode}</c>.
/// </summary>
internal static class ChatEndpoints
{
    public const string Name = "Chat";
    public const string DefaultPathBase = "/chat";

    /// <summary>The form name of every file part, as the product's <c>FormData</c> example uses it.</summary>
    public const string FilesField = "files";

    /// <summary>An optional text field before a file part: that file's MD5 as 32 hex digits.</summary>
    public const string ChecksumField = "fileChecksum";

    public static RouteGroupBuilder? MapChat(this WebApplication app)
    {
        var chat = app.MapDialect(Name, DefaultPathBase, new ChatErrors());
        if (chat is null)
        {
            return null;
        }

        chat.RequireAuthorization(new AuthorizationPolicyBuilder(AuthSchemes.Session).RequireAuthenticatedUser().Build())
            .AddEndpointFilter(RefuseCrossSiteWritesAsync);

        var api = chat.MapGroup("/api/v1");
        api.MapGet("/messages/{messageId}/attachments", ListAsync);
        api.MapPost("/messages/{messageId}/attachments", UploadAsync);
        api.MapGet("/attachments/{attachmentId}", GetAsync);
        api.MapDelete("/attachments/{attachmentId}", DeleteAsync);
        api.MapMethods("/attachments/{attachmentId}/thumbnail", [HttpMethods.Get, HttpMethods.Head], ThumbnailAsync);
        api.MapMethods("/attachments/{attachmentId}/{attachmentFileName}", [HttpMethods.Get, HttpMethods.Head], DownloadAsync);
        return chat;
    }

    private static async Task<Results<JsonHttpResult<IReadOnlyList<ChatAttachment>>, JsonHttpResult<ChatError>>> ListAsync(
        string messageId, HttpContext http, MessageAttachments attachments, CancellationToken cancellationToken)
    {
        if (Rooms.ParseId(messageId) is not { } id)
        {
            return ChatErrors.Error(StatusCodes.Status404NotFound, ChatErrors.MessageNotFound);
        }

        var listed = await attachments.ListAsync(http.Caller(), id, cancellationToken);
        return listed.TryGetValue(out var items, out var failure)
            ? TypedResults.Json<IReadOnlyList<ChatAttachment>>(items.Select(ChatAttachment.From).ToList())
            : ChatErrors.From(failure, ChatErrors.MessageNotFound);
    }

    /// <summary>
    /// Stores each part named <c>files</c> as a new attachment of the message, in order; other parts are skipped. Each
    /// attachment is recorded before its bytes arrive, so its state follows the upload. A failing part stops the request
    /// with the parts before it kept, and is answered.
    /// </summary>
    private static async Task<Results<JsonHttpResult<ChatStatus>, JsonHttpResult<ChatError>>> UploadAsync(
        string messageId, HttpRequest request, HttpContext http, MessageAttachments attachments, FileService files,
        ThumbnailService thumbnails, CancellationToken cancellationToken)
    {
        http.LiftBodyLimit();
        if (Rooms.ParseId(messageId) is not { } id)
        {
            return ChatErrors.Error(StatusCodes.Status404NotFound, ChatErrors.MessageNotFound);
        }

        var caller = http.Caller();
        var found = await attachments.FindMessageAsync(caller, id, Permissions.Attach, cancellationToken);
        if (!found.TryGetValue(out var message, out var failure))
        {
            return ChatErrors.From(failure, ChatErrors.MessageNotFound);
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !string.Equals(contentType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return ChatErrors.Error(StatusCodes.Status415UnsupportedMediaType, "The body must be multipart/form-data with one or more parts named files.");
        }

        var boundary = NativeUploads.Boundary(contentType);
        if (!boundary.TryGetValue(out var boundaryValue, out failure))
        {
            return ChatErrors.From(failure);
        }

        var target = new MultipartTarget(message.Id, formName => formName == FilesField ? FileService.DefaultSlot : null)
        {
            ChecksumField = ChecksumField,
            ReserveFiles = true,
            Stored = async (file, token) => await thumbnails.RequestAsync(file, token),
        };
        var reader = NativeUploads.Reader(boundaryValue, request.Body);
        var stored = await MultipartFiles.StoreAsync(reader, caller, files, target, cancellationToken);
        return stored.Succeeded ? TypedResults.Json(new ChatStatus(StatusCodes.Status200OK)) : ChatErrors.From(stored.Failure);
    }

    private static async Task<Results<JsonHttpResult<ChatAttachment>, JsonHttpResult<ChatError>>> GetAsync(
        string attachmentId, HttpContext http, MessageAttachments attachments, CancellationToken cancellationToken)
    {
        if (Rooms.ParseId(attachmentId) is not { } id)
        {
            return ChatErrors.Error(StatusCodes.Status404NotFound, ChatErrors.AttachmentNotFound);
        }

        var found = await attachments.GetAsync(http.Caller(), id, Permissions.View, cancellationToken);
        return found.TryGetValue(out var attachment, out var failure)
            ? TypedResults.Json(ChatAttachment.From(attachment))
            : ChatErrors.From(failure);
    }

    private static async Task<Results<JsonHttpResult<ChatStatus>, JsonHttpResult<ChatError>>> DeleteAsync(
        string attachmentId, HttpContext http, MessageAttachments attachments, CancellationToken cancellationToken)
    {
        if (Rooms.ParseId(attachmentId) is not { } id)
        {
            return ChatErrors.Error(StatusCodes.Status404NotFound, ChatErrors.AttachmentNotFound);
        }

        var removed = await attachments.RemoveAsync(http.Caller(), id, cancellationToken);
        return removed.Succeeded ? TypedResults.Json(new ChatStatus(StatusCodes.Status200OK)) : ChatErrors.From(removed.Failure);
    }

    private static async Task<Results<DownloadResult, JsonHttpResult<ChatError>>> DownloadAsync(
        string attachmentId, string attachmentFileName, HttpContext http, MessageAttachments attachments, CancellationToken cancellationToken)
    {
        if (Rooms.ParseId(attachmentId) is not { } id)
        {
            return ChatErrors.Error(StatusCodes.Status404NotFound, ChatErrors.AttachmentNotFound);
        }

        var plan = await attachments.DownloadAsync(http.Caller(), id, attachmentFileName, cancellationToken);
        return plan.TryGetValue(out var value, out var failure) ? new DownloadResult(value) : ChatErrors.From(failure);
    }

    private static async Task<Results<DownloadResult, JsonHttpResult<ChatError>>> ThumbnailAsync(
        string attachmentId, HttpContext http, MessageAttachments attachments, CancellationToken cancellationToken)
    {
        if (Rooms.ParseId(attachmentId) is not { } id)
        {
            return ChatErrors.Error(StatusCodes.Status404NotFound, ChatErrors.AttachmentNotFound);
        }

        var plan = await attachments.ThumbnailAsync(http.Caller(), id, cancellationToken);
        return plan.TryGetValue(out var value, out var failure)
            ? new DownloadResult(value, new DownloadOptions { DispositionType = "inline" })
            : ChatErrors.From(failure);
    }

    /// <summary>The session cookie is ambient: a change sent from another site is refused (403), as on the native API.</summary>
    private static async ValueTask<object?> RefuseCrossSiteWritesAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && CrossSiteCookieFilter.IsCrossSite(request))
        {
            return ChatErrors.Error(StatusCodes.Status403Forbidden, "A request that changes something may not come from another site.");
        }

        return await next(context);
    }
}
