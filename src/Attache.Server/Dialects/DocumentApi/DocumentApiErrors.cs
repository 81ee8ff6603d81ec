using System.Text.Json;
using System.Text.Json.Serialization;
using Attache.Core;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Dialects.DocumentApi;

/// <summary>The dialect's statuses and messages, and the one mapping from the core's failures to them.</summary>
internal static class DocumentApiErrors
{
    public const int MissingParameters = 435;
    public const int Validation = 436;
    public const int NotFound = 437;
    public const int AccessDenied = 407;

    public const string Okay = "OKAY";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string DocumentIdRequired = "Document ID is required";
    public const string DocumentNotFound = "Document not found";
    public const string NoFilePath = "Document has no file path";
    public const string UrlFault = "Failed to generate download URL";
    public const string DownloadFault = "Failed to download document";

    public static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static JsonHttpResult<Envelope<T>> Ok<T>(T data) => TypedResults.Json(new Envelope<T>(StatusCodes.Status200OK, data, Okay), Json);

    public static JsonHttpResult<Envelope<EmptyData>> Error(int status, string message) =>
        TypedResults.Json(new Envelope<EmptyData>(status, new EmptyData(), message), Json, statusCode: status);

    public static JsonHttpResult<Envelope<EmptyData>> Forbidden() => Error(StatusCodes.Status403Forbidden, Unauthorized);

    /// <summary>
    /// A failure of finding or reading a document: anything that says the caller may not have it (missing, hidden,
    /// deleted, a malformed id) is "not found", so that nothing tells a hidden document from a missing one.
    /// </summary>
    public static JsonHttpResult<Envelope<EmptyData>> ForDocument(Failure failure) => failure switch
    {
        Failure.NotFound or Failure.Invalid or Failure.Forbidden or Failure.Gone => Error(NotFound, DocumentNotFound),
        Failure.NotReady => Error(MissingParameters, NoFilePath),
        Failure.Conflict or Failure.TooLarge or Failure.ChecksumMismatch or Failure.InvalidManifest =>
            throw new InvalidOperationException($"A document read answered {failure}."),
        _ => throw new InvalidOperationException($"Unknown failure {failure}."),
    };
}

/// <summary>Writes framework errors under the dialect's path base (unmatched routes, bad requests, unhandled faults) in the envelope.</summary>
internal sealed class DocumentApiErrorWriter : IDialectErrors
{
    public async Task WriteAsync(HttpContext http, int status, Exception? exception)
    {
        if (http.Response.HasStarted)
        {
            return;
        }

        http.Response.StatusCode = status;
        var message = status switch
        {
            StatusCodes.Status403Forbidden or StatusCodes.Status401Unauthorized => DocumentApiErrors.Unauthorized,
            StatusCodes.Status404NotFound => "NOT_FOUND",
            StatusCodes.Status405MethodNotAllowed => "METHOD_NOT_ALLOWED",
            StatusCodes.Status413PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            StatusCodes.Status429TooManyRequests => "TOO_MANY_REQUESTS",
            >= 500 => FaultMessage(http.Request),
            _ => "BAD_REQUEST",
        };
        await http.Response.WriteAsJsonAsync(new Envelope<EmptyData>(status, new EmptyData(), message), DocumentApiErrors.Json, http.RequestAborted);
    }

    /// <summary>The product's own words for a fault of its two download calls; others get the guidelines' SERVER_FAULT.</summary>
    private static string FaultMessage(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        var download = path.Contains("/download", StringComparison.OrdinalIgnoreCase);
        return !download ? "SERVER_FAULT"
            : HttpMethods.IsPost(request.Method) ? DocumentApiErrors.UrlFault
            : DocumentApiErrors.DownloadFault;
    }
}
