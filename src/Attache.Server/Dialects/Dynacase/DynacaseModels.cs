using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Attache.Server.Dialects.Dynacase;

/// <summary>The envelope of every answer, success or failure: <c>{success, messages, data}</c>.</summary>
internal sealed record DynacaseEnvelope(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("messages")] IReadOnlyList<DynacaseMessage> Messages,
    [property: JsonPropertyName("data")] object? Data)
{
    public static DynacaseEnvelope Ok(object data) => new(true, [], data);

    public static DynacaseEnvelope Error(string code, string text) => new(false, [DynacaseMessage.Error(code, text)], null);
}

internal sealed record DynacaseMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("contentText")] string ContentText,
    [property: JsonPropertyName("contentHtml")] string ContentHtml,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("data")] object? Data)
{
    /// <summary>An error message; a coded one points at the code's page, as the product's documentation shows.</summary>
    public static DynacaseMessage Error(string code, string text) =>
        new("error", text, "", code, code.Length == 0 ? "" : $"http://api.dynacase.org/code/{code}.html", null);
}

internal sealed record FileData([property: JsonPropertyName("file")] FileInfoModel File);

/// <summary>A file's information, in the order the issue lists the fields.</summary>
internal sealed record FileInfoModel(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("fileName")] string FileName,
    [property: JsonPropertyName("mime")] string Mime,
    [property: JsonPropertyName("cdate")] string CDate,
    [property: JsonPropertyName("mdate")] string MDate,
    [property: JsonPropertyName("downloadUrl")] string DownloadUrl);

internal sealed record DocumentData([property: JsonPropertyName("document")] DocumentModel Document);

internal sealed record DocumentModel(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("properties")] DocumentProperties Properties,
    [property: JsonPropertyName("attributes")] IReadOnlyDictionary<string, object?> Attributes);

internal sealed record DocumentProperties(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("initid")] string InitId,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("fromname")] string FromName,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("locked")] int Locked,
    [property: JsonPropertyName("revision")] int Revision,
    [property: JsonPropertyName("cdate")] string CDate,
    [property: JsonPropertyName("mdate")] string MDate);

/// <summary>The value of one attribute: a plain value, or for a file attribute the file's reference and details.</summary>
internal sealed record AttributeValueModel(
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("displayValue")] string? DisplayValue);

internal sealed record FileAttributeValueModel(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("displayValue")] string DisplayValue,
    [property: JsonPropertyName("fileName")] string FileName,
    [property: JsonPropertyName("mime")] string Mime,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("creationDate")] string CreationDate,
    [property: JsonPropertyName("url")] string Url);

internal static class DynacaseJson
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Letters of every script are written as they are (file names stay readable); HTML-significant characters are escaped.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Dates as the product writes them: <c>yyyy-MM-ddTHH:mm:ss</c>, in UTC.</summary>
    public static string Date(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
