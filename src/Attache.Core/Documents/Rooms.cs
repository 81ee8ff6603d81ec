using System.Globalization;

namespace Attache.Core.Documents;

/// <summary>
/// Chat rooms: a text message is a document of kind <c>message</c> with a numeric id and the property <c>roomId</c>;
/// the members of its room, the group <c>room:&lt;roomId&gt;</c>, may read it and add attachments to it.
/// </summary>
public static class Rooms
{
    public const string MessageKind = "message";
    public const string RoomIdProperty = "roomId";
    public const string GroupPrefix = "room:";

    /// <summary>
    /// What a room's members may do with its messages: read them and attach new files. Changing a message or the files
    /// it holds, and deleting, take the author or an ACL entry.
    /// </summary>
    public static readonly IReadOnlySet<string> MemberPermissions = new HashSet<string>(StringComparer.Ordinal) { Permissions.View, Permissions.Attach };

    /// <summary>The room of a message document, or null for any other document (or a message without a numeric room).</summary>
    public static long? RoomOf(Document document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.Kind == MessageKind && document.Properties.TryGetValue(RoomIdProperty, out var raw) && ParseId(raw) is { } room
            ? room
            : null;
    }

    /// <summary>The group whose members belong to the document's room, or null when it is not a message of a room.</summary>
    public static string? MemberGroup(Document document) =>
        RoomOf(document) is { } room ? GroupPrefix + room.ToString(CultureInfo.InvariantCulture) : null;

    /// <summary>A positive whole number written plainly (<c>42</c>, not <c>042</c> or <c>+42</c>); null otherwise.</summary>
    public static long? ParseId(string? text) =>
        text is { Length: > 0 and <= 19 } && text[0] != '0' && text.All(char.IsAsciiDigit)
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
}
