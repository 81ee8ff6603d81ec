using System.Text.Json.Serialization;

namespace Attache.Server.Dialects.DocumentApi;

/// <summary>Every answer of the dialect: <c>{statusCode, data, message}</c>, the HTTP status equal to <c>statusCode</c>.</summary>
internal sealed record Envelope<T>(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("data")] T Data,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The <c>data: {}</c> of an error.</summary>
internal sealed record EmptyData;

internal sealed record AccessTokenData([property: JsonPropertyName("access_token")] string AccessToken);

internal sealed record DownloadUrlData([property: JsonPropertyName("download_url")] string DownloadUrl);

/// <summary>A document as Get Documents and Get Document Details show it; absent optional fields are left out.</summary>
internal sealed record DocumentModel
{
    [JsonPropertyName("document_id")]
    public required string DocumentId { get; init; }

    [JsonPropertyName("document_name")]
    public required string DocumentName { get; init; }

    [JsonPropertyName("document_description")]
    public string? DocumentDescription { get; init; }

    [JsonPropertyName("document_type")]
    public required string DocumentType { get; init; }

    [JsonPropertyName("document_priority")]
    public string? DocumentPriority { get; init; }

    [JsonPropertyName("collection_id")]
    public required string CollectionId { get; init; }

    [JsonPropertyName("document_file_path")]
    public string? DocumentFilePath { get; init; }

    [JsonPropertyName("document_url")]
    public string? DocumentUrl { get; init; }

    [JsonPropertyName("document_tags")]
    public required IReadOnlyList<string> DocumentTags { get; init; }

    [JsonPropertyName("created_at")]
    public required string CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public required string UpdatedAt { get; init; }

    [JsonPropertyName("collection_name")]
    public string? CollectionName { get; init; }

    [JsonPropertyName("associated_plans")]
    public IReadOnlyList<PlanModel>? AssociatedPlans { get; init; }
}

internal sealed record PlanModel(
    [property: JsonPropertyName("plan_id")] string PlanId,
    [property: JsonPropertyName("plan_name")] string PlanName,
    [property: JsonPropertyName("color")] string Color);
