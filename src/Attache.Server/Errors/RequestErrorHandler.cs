using Microsoft.AspNetCore.Diagnostics;
using Attache.Server.Dialects;
using Microsoft.AspNetCore.WebUtilities;

namespace Attache.Server.Errors;

/// <summary>
/// Turns what escapes an endpoint into an answer: Kestrel's own request errors keep their status, titled with its
/// reason phrase (a body over the limit stays 413), a client that went away gets nothing, and anything else is a 500
/// that names only the trace id.
/// </summary>
internal sealed class RequestErrorHandler(IProblemDetailsService problems, DialectMounts dialects, ILogger<RequestErrorHandler> logger) : IExceptionHandler
{
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

    /// <summary>The path for a log line: a presigned link's token is a credential and is left out.</summary>
    internal static string LoggedPath(HttpRequest request) =>
        request.Path.StartsWithSegments(Api.LinkEndpoints.PathBase) ? Api.LinkEndpoints.PathBase + "/…" : request.Path.ToString();
}
