using System.Text.Json.Serialization;

namespace Attache.Server.Dialects.RevLegal;

/// <summary>Rev's attachment entity (GET /attachments/{id}).</summary>
internal sealed record RevAttachment(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("links")] IReadOnlyList<RevLink> Links);

internal sealed record RevLink(
    [property: JsonPropertyName("rel")] string Rel,
    [property: JsonPropertyName("href")] string Href);

/// <summary>Rev's order entity (GET /orders/{ordernum}), with the fields Attache knows.</summary>
internal sealed record RevOrder(
    [property: JsonPropertyName("order_number")] string OrderNumber,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attachments")] IReadOnlyList<RevAttachment> Attachments);

[JsonSerializable(typeof(RevAttachment))]
[JsonSerializable(typeof(RevOrder))]
internal sealed partial class RevJsonContext : JsonSerializerContext;
