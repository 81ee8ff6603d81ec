using Microsoft.AspNetCore.Diagnostics;
using Attache.Server.Dialects;
using Attache.Storage;
using Microsoft.AspNetCore.WebUtilities;

namespace Attache.Server.Errors;

/// <summary>
/// Turns what escapes an endpoint into an answer: Kestrel's own request errors keep their status, titled with its
/// reason phrase (a body over the limit stays 413), a client that went away gets nothing, a fault of a store is a 507,
/// 503 or 502 (see <see cref="StorageFaults"/>), and anything else is a 500
/// that names only the trace id.
/// </summary>
internal sealed class RequestErrorHandler(IProblemDetailsService problems, DialectMounts dialects, ILogger<RequestErrorHandler> logger) : IExceptionHandler
{
    /// <summary>How long a client is asked to wait after a busy or unreachable store: a lock or a reconnect takes seconds.</summary>
    internal const string RetryAfterSeconds = "2";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.RequestAborted.IsCancellationRequested)
        {
            logger.LogDebug("The client went away during {Method} {Path}", httpContext.Request.Method, LoggedPath(httpContext.Request));
            return true;
        }

        var dialect = dialects.For(httpContext.Request.Path);
        if (exception is BadHttpRequestException badRequest)
        {
            httpContext.Response.StatusCode = badRequest.StatusCode;
            if (dialect is not null)
            {
                await dialect.WriteAsync(httpContext, badRequest.StatusCode, exception);
                return true;
            }

            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = { Status = badRequest.StatusCode, Title = ReasonPhrases.GetReasonPhrase(badRequest.StatusCode), Detail = badRequest.Message },
            });
        }

        if (StorageFaults.Classify(exception) is { } fault)
        {
            return await WriteStorageFaultAsync(httpContext, exception, fault, dialect);
        }

        logger.LogError(exception, "Unhandled error on {Method} {Path}, trace {TraceId}", httpContext.Request.Method, LoggedPath(httpContext.Request), httpContext.TraceIdentifier);
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        if (dialect is not null)
        {
            await dialect.WriteAsync(httpContext, StatusCodes.Status500InternalServerError, exception);
            return true;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = StatusCodes.Status500InternalServerError, Title = "Internal error", Detail = "The error was logged with this trace id." },
        });
    }

    /// <summary>
    /// A store that is full (507), unreachable or busy (503, with Retry-After), or answered with an error (502): the
    /// request was not carried out and nothing of it was recorded, so the client may send it again.
    /// </summary>
    private async ValueTask<bool> WriteStorageFaultAsync(HttpContext httpContext, Exception exception, StorageFault fault, IDialectErrors? dialect)
    {
        var (status, title, detail) = fault switch
        {
            StorageFault.Full => (StatusCodes.Status507InsufficientStorage, "Insufficient storage",
                "The server has no room to store this; nothing was stored. Try again once space has been freed."),
            StorageFault.Unavailable => (StatusCodes.Status503ServiceUnavailable, "Storage unavailable",
                "A store the server depends on cannot be reached or is busy; nothing was changed. Try again shortly."),
            _ => (StatusCodes.Status502BadGateway, "Storage error",
                "The blob store answered with an error; nothing was recorded. Try again."),
        };
        logger.LogWarning(exception, "{Method} {Path} met a storage fault ({Fault}), answered {Status}, trace {TraceId}",
            httpContext.Request.Method, LoggedPath(httpContext.Request), fault, status, httpContext.TraceIdentifier);
        httpContext.Response.StatusCode = status;
        if (fault != StorageFault.Full)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        }

        if (dialect is not null)
        {
            await dialect.WriteAsync(httpContext, status, exception);
            return true;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>The path for a log line: a presigned link's token is a credential and is left out.</summary>
    internal static string LoggedPath(HttpRequest request) =>
        request.Path.StartsWithSegments(Api.LinkEndpoints.PathBase) ? Api.LinkEndpoints.PathBase + "/…" : request.Path.ToString();
}
