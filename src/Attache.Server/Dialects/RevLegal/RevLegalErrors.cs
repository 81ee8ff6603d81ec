using Attache.Core;
using Attache.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Dialects.RevLegal;

/// <summary>
/// Rev answers errors with the HTTP status alone and an empty body ("Error Codes: None" in the seed). A caller who may
/// not see an attachment, or names an id that cannot exist, is told it was not found.
/// </summary>
internal sealed class RevLegalErrors : IDialectErrors
{
    public static StatusCodeHttpResult ToResult(Failure failure) => TypedResults.StatusCode(failure switch
    {
        Failure.NotFound or Failure.Gone => StatusCodes.Status404NotFound,
        Failure.Invalid { Field: "id" } => StatusCodes.Status404NotFound,
        Failure.Forbidden => StatusCodes.Status403Forbidden,
        Failure.NotReady or Failure.Conflict => StatusCodes.Status409Conflict,
        Failure.TooLarge => StatusCodes.Status413PayloadTooLarge,
        Failure.Invalid or Failure.InvalidManifest or Failure.ChecksumMismatch => StatusCodes.Status400BadRequest,
        _ => throw new InvalidOperationException($"Unmapped failure {failure.GetType().Name}."),
    });

    public static StatusCodeHttpResult NotAcceptable() => TypedResults.StatusCode(StatusCodes.Status406NotAcceptable);

    /// <summary>503 with <c>Retry-After</c> and no body: every rendering turn and queue place is taken.</summary>
    public static StatusCodeHttpResult Busy(HttpContext http)
    {
        RenditionGate.AskToRetryLater(http.Response);
        return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
    }

    public Task WriteAsync(HttpContext http, int status, Exception? exception)
    {
        http.Response.StatusCode = status;
        http.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
