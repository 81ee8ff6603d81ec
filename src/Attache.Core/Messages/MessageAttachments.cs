using System.Globalization;
using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Files;
using Attache.Core.Principals;
using Attache.Core.Thumbnails;

namespace Attache.Core.Messages;

/// <summary>A file of a chat message, with the message it belongs to.</summary>
public sealed record Attachment(StoredFile File, Document Message)
{
    public long Id => long.Parse(File.Id, CultureInfo.InvariantCulture);

    public long MessageId => long.Parse(Message.Id, CultureInfo.InvariantCulture);

    public long? RoomId => Rooms.RoomOf(Message);
}

/// <summary>
/// Attachments of chat messages: the files of documents of kind <c>message</c> whose ids, and their files' ids, are
/// numbers. Anything else, a removed attachment (for administrators too) and what the caller may not view are not found.
/// </summary>
public sealed class MessageAttachments(DocumentService documents, FileService files, DownloadService downloads, ThumbnailService thumbnails)
{
    public async Task<Outcome<Attachment>> GetAsync(Caller caller, long attachmentId, string permission, CancellationToken cancellationToken)
    {
        var found = await files.FindAsync(caller, Text(attachmentId), permission, cancellationToken);
        if (!found.TryGetValue(out var pair, out var failure))
        {
            return failure is Failure.NotFound ? NotFound(attachmentId) : failure;
        }

        return pair.File.IsRemoved || !IsMessage(pair.Document) ? NotFound(attachmentId) : new Attachment(pair.File, pair.Document);
    }

    /// <summary>The message the caller may act on with <paramref name="permission"/>.</summary>
    public async Task<Outcome<Document>> FindMessageAsync(Caller caller, long messageId, string permission, CancellationToken cancellationToken)
    {
        var found = await documents.FindAsync(caller, Text(messageId), permission, cancellationToken);
        if (!found.TryGetValue(out var message, out var failure))
        {
            return failure;
        }

        return IsMessage(message) && !message.IsDeleted ? message : MessageNotFound(messageId);
    }

    /// <summary>The message's attachments, oldest first, whatever their state; removed ones are left out.</summary>
    public async Task<Outcome<IReadOnlyList<Attachment>>> ListAsync(Caller caller, long messageId, CancellationToken cancellationToken)
    {
        var found = await FindMessageAsync(caller, messageId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var message, out var failure))
        {
            return failure;
        }

        var listed = await files.ListAsync(caller, message.Id, cancellationToken);
        return listed.Map<IReadOnlyList<Attachment>>(all => all
            .Where(f => !f.IsRemoved && Rooms.ParseId(f.Id) is not null)
            .OrderBy(f => Rooms.ParseId(f.Id))
            .Select(f => new Attachment(f, message))
            .ToList());
    }

    /// <summary>The bytes of a ready attachment, asked for by its id and its exact file name.</summary>
    public async Task<Outcome<DownloadPlan>> DownloadAsync(Caller caller, long attachmentId, string fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var found = await GetAsync(caller, attachmentId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var attachment, out var failure))
        {
            return failure;
        }

        // Stored names are in NFC; a client that sent its original name decomposed (as macOS does) asks for it so.
        if (!string.Equals(attachment.File.FileName, fileName, StringComparison.Ordinal)
            && !string.Equals(attachment.File.FileName, ComposedOrNull(fileName), StringComparison.Ordinal))
        {
            return new Failure.NotFound($"Attachment {attachmentId} has no file named '{(fileName.Length > 80 ? fileName[..80] + "…" : fileName)}'.");
        }

        return await downloads.ResolveAsync(caller, attachment.File.Id, null, cancellationToken);
    }

    public async Task<Outcome<DownloadPlan>> ThumbnailAsync(Caller caller, long attachmentId, CancellationToken cancellationToken)
    {
        var found = await GetAsync(caller, attachmentId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var attachment, out var failure))
        {
            return failure;
        }

        return attachment.File.HasThumbnail
            ? await thumbnails.ResolveAsync(caller, attachment.File.Id, cancellationToken)
            : new Failure.NotFound($"Attachment {attachmentId} has no thumbnail.");
    }

    /// <summary>Removes the attachment: the message's author, an ACL entry with <c>delete</c>, or an administrator.</summary>
    public async Task<Outcome<StoredFile>> RemoveAsync(Caller caller, long attachmentId, CancellationToken cancellationToken)
    {
        var found = await GetAsync(caller, attachmentId, Permissions.View, cancellationToken);
        if (!found.TryGetValue(out var attachment, out var failure))
        {
            return failure;
        }

        return await files.RemoveAsync(caller, attachment.File.Id, cancellationToken);
    }

    /// <summary>A message is a document of kind <c>message</c> whose id is a plain number.</summary>
    public static bool IsMessage(Document document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.Kind == Rooms.MessageKind && Rooms.ParseId(document.Id) is not null;
    }

    private static string? ComposedOrNull(string text)
    {
        try
        {
            return text.Normalize(System.Text.NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // Not valid Unicode (a lone surrogate): no stored name is that.
            return null;
        }
    }

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static Failure.NotFound NotFound(long attachmentId) => new($"Attachment {attachmentId} was not found.");

    private static Failure.NotFound MessageNotFound(long messageId) => new($"Message {messageId} was not found.");
}
