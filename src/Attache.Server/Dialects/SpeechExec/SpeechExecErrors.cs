using System.Text.Json.Serialization;
using Attache.Core;

namespace Attache.Server.Dialects.SpeechExec;

/// <summary>The product's FailureCode words.</summary>
internal static class FailureCodes
{
    public const string UsernameNotValid = "Username_not_valid";
    public const string IdNotValid = "ID_not_valid";
    public const string UserNotExists = "User_not_exists";
    public const string InvalidApiKey = "Invalid_api_key";
    public const string DictationIdNotFound = "Dictation_id_not_found";
    public const string AttachmentNotFound = "Attachment_not_found";
    public const string DictationStateNotValid = "Dictation_state_not_valid_for_operation";
    public const string GenericError = "Generic_error";
}

/// <summary>The error body of every /dms answer.</summary>
internal sealed record SpeechExecErrorBody(
    [property: JsonPropertyName("CRI")] string Cri,
    [property: JsonPropertyName("FailureCode")] string FailureCode);

/// <summary>
/// The CRI (client request identifier) of a request: an upper-case GUID made once per request, used as its trace
/// identifier (so the server's own log lines carry it), sent back in <see cref="Header"/> and in every error body.
/// </summary>
internal static class Cri
{
    public const string Header = "x-sps-cri";

    private static readonly object ItemKey = new();

    public static string Of(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var existing) && existing is string cri)
        {
            return cri;
        }

        cri = Guid.NewGuid().ToString("D").ToUpperInvariant();
        http.Items[ItemKey] = cri;
        http.TraceIdentifier = cri;
        if (!http.Response.HasStarted)
        {
            http.Response.Headers[Header] = cri;
        }

        return cri;
    }
}

/// <summary>An error answer in the product's envelope; the log line for it names the CRI.</summary>
internal sealed class SpeechExecError(int status, string failureCode) : IResult
{
    public int Status { get; } = status;

    public string FailureCode { get; } = failureCode;

    public static SpeechExecError Of(Failure failure, string notFoundCode) => failure switch
    {
        Failure.Invalid => new(StatusCodes.Status400BadRequest, FailureCodes.UserNotExists),
        Failure.NotFound => new(StatusCodes.Status404NotFound, notFoundCode),
        // The vendor's PDF answers 409 here; the seed says 404, and the seed wins.
        Failure.Conflict => new(StatusCodes.Status404NotFound, FailureCodes.DictationStateNotValid),
        _ => new(StatusCodes.Status500InternalServerError, FailureCodes.GenericError),
    };

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, Status, FailureCode);

    public static async Task WriteAsync(HttpContext http, int status, string failureCode)
    {
        var cri = Cri.Of(http);
        var logger = http.RequestServices.GetRequiredService<ILogger<SpeechExecError>>();
        var level = status >= StatusCodes.Status500InternalServerError ? LogLevel.Error : LogLevel.Information;
        logger.Log(level, "SpeechExec {Method} {Path} answered {Status} {FailureCode}, CRI {CRI}",
            http.Request.Method, http.Request.Path, status, failureCode, cri);
        if (http.Response.HasStarted)
        {
            return;
        }

        // The exception handler clears the response, headers included, before an error is written.
        http.Response.StatusCode = status;
        http.Response.Headers[Cri.Header] = cri;
        await http.Response.WriteAsJsonAsync(new SpeechExecErrorBody(cri, failureCode), SpeechExecJson.Wire.SpeechExecErrorBody, cancellationToken: http.RequestAborted);
    }
}

/// <summary>What happens outside the endpoints' own code under the dialect's path base, in the same envelope.</summary>
internal sealed class SpeechExecDialectErrors : IDialectErrors
{
    public Task WriteAsync(HttpContext http, int status, Exception? exception) =>
        // An unmatched path, a wrong method, a request Kestrel refused or an unexpected fault: none is one of the
        // product's specific cases, so each keeps its status with the product's catch-all word. An exception was
        // already logged with the trace identifier, which is the CRI.
        SpeechExecError.WriteAsync(http, status, status == StatusCodes.Status401Unauthorized ? FailureCodes.InvalidApiKey : FailureCodes.GenericError);
}
