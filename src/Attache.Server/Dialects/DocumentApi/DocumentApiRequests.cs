using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Dialects.DocumentApi;

/// <summary>
/// Reads a call's JSON body: a body that is not declared JSON is 415, one that is not valid JSON (or names a field twice)
/// is 400, both in the envelope. A valid body that is not an object reads as an object with no fields.
/// </summary>
internal sealed class JsonBody : IDisposable
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

    private readonly JsonDocument? _document;

    private JsonBody(JsonDocument? document, JsonHttpResult<Envelope<EmptyData>>? error)
    {
        _document = document;
        Error = error;
    }

    /// <summary>Set when the body could not be read; it is the answer to send.</summary>
    public JsonHttpResult<Envelope<EmptyData>>? Error { get; }

    public static async Task<JsonBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return new JsonBody(null, DocumentApiErrors.Error(StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json"));
        }

        if (request.ContentLength == 0)
        {
            return new JsonBody(null, null);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, Options, cancellationToken);
        }
        catch (JsonException)
        {
            return new JsonBody(null, Malformed());
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object && HasDuplicateNames(document.RootElement))
        {
            document.Dispose();
            return new JsonBody(null, Malformed());
        }

        return new JsonBody(document, null);
    }

    /// <summary>The member when the body is an object holding it, of any kind.</summary>
    public JsonElement? Member(string name) => Member(_document?.RootElement, name);

    /// <summary>The non-blank string value of a member of an object, or null when it is absent, blank or not a string.</summary>
    public static string? Text(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.String } value && value.GetString() is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    public static JsonElement? Member(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } obj && obj.TryGetProperty(name, out var member) ? member : null;

    public void Dispose() => _document?.Dispose();

    private static JsonHttpResult<Envelope<EmptyData>> Malformed() => DocumentApiErrors.Error(StatusCodes.Status400BadRequest, "Malformed JSON body");

    // Which of two equal names a reader takes differs between parsers; a body that depends on it is refused.
    private static bool HasDuplicateNames(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!names.Add(property.Name) || HasDuplicateNames(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                return element.EnumerateArray().Any(HasDuplicateNames);
            default:
                return false;
        }
    }
}
