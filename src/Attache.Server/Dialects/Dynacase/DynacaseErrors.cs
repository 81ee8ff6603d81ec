using Attache.Core;
using Attache.Core.Documents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Dialects.Dynacase;

/// <summary>
/// The product's error codes: the seed's where it gives one (<c>API0010</c>, <c>API0108</c>), the released product's
/// where the seed is silent (<c>CRUD0200</c>, <c>CRUD06xx</c>), and none for an unauthenticated request, as the product.
/// </summary>
internal sealed class DynacaseErrors : IDialectErrors
{
    public const string Forbidden = "API0010";
    public const string Deleted = "API0108";
    public const string DocumentNotFound = "CRUD0200";
    public const string UnknownAttribute = "CRUD0605";
    public const string NoFile = "CRUD0607";
    public const string IndexRequired = "CRUD0610";
    public const string IndexNotAllowed = "CRUD0611";
    public const string BadIndex = "CRUD0612";
    public const string NotAFileAttribute = "CRUD0614";
    public const string SystemError = "API0001";
    public const string NoResource = "API0004";
    public const string MethodNotAllowed = "CRUD0103";
    public const string Unauthenticated = "";

    /// <summary>A failure in opening the document: missing, deleted, or not viewable.</summary>
    public static JsonHttpResult<DynacaseEnvelope> ForDocument(Failure failure, string documentId) => failure switch
    {
        Failure.Gone => Result(StatusCodes.Status404NotFound, Deleted, $"Document \"{documentId}\" is deleted."),
        Failure.Forbidden forbidden => Result(StatusCodes.Status403Forbidden, Forbidden, forbidden.Message),
        _ => Result(StatusCodes.Status404NotFound, DocumentNotFound, $"Document \"{documentId}\" not found."),
    };

    /// <summary>A failure in finding the file of an attribute of a document the caller may view.</summary>
    public static JsonHttpResult<DynacaseEnvelope> ForFile(Failure failure) => failure switch
    {
        Failure.Invalid { Field: AttributeFileFields.AttributeType } invalid => Result(StatusCodes.Status400BadRequest, NotAFileAttribute, invalid.Message),
        Failure.Invalid { Field: AttributeFileFields.IndexRequired } invalid => Result(StatusCodes.Status400BadRequest, IndexRequired, invalid.Message),
        Failure.Invalid { Field: AttributeFileFields.IndexNotAllowed } invalid => Result(StatusCodes.Status400BadRequest, IndexNotAllowed, invalid.Message),
        Failure.Invalid invalid => Result(StatusCodes.Status400BadRequest, UnknownAttribute, invalid.Message),
        _ => Result(StatusCodes.Status404NotFound, NoFile, failure.Message),
    };

    public static JsonHttpResult<DynacaseEnvelope> Result(int status, string code, string text) =>
        TypedResults.Json(DynacaseEnvelope.Error(code, text), DynacaseJson.Options, DynacaseJson.ContentType, status);

    /// <summary>Writes the envelope straight to the response, for answers given outside an endpoint.</summary>
    public static Task WriteAsync(HttpContext http, int status, string code, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = DynacaseJson.ContentType;
        return http.Response.WriteAsJsonAsync(DynacaseEnvelope.Error(code, text), DynacaseJson.Options, DynacaseJson.ContentType, http.RequestAborted);
    }

    public Task WriteAsync(HttpContext http, int status, Exception? exception) => status switch
    {
        StatusCodes.Status404NotFound => WriteAsync(http, status, NoResource, $"The URL {http.Request.Path} names no resource of the API."),
        StatusCodes.Status405MethodNotAllowed => WriteAsync(http, status, MethodNotAllowed, $"The method {http.Request.Method} cannot be used on this resource."),
        >= 500 => WriteAsync(http, status, SystemError, $"Internal error; it was logged with trace id {http.TraceIdentifier}."),
        _ => WriteAsync(http, status, "", $"The request could not be served ({status})."),
    };
}
