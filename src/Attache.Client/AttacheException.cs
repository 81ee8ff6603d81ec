using System.Net;

namespace Attache.Client;

/// <summary>The server refused a request; carries the HTTP status and the problem details it sent.</summary>
public sealed class AttacheException : Exception
{
    public AttacheException()
    {
    }

    public AttacheException(string message)
        : base(message)
    {
    }

    public AttacheException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AttacheException(HttpStatusCode status, string? title, string? detail)
        : this(status, title, detail, null)
    {
    }

    public AttacheException(HttpStatusCode status, string? title, string? detail, IReadOnlyList<AttacheProblemError>? errors)
        : base($"{(int)status} {title ?? status.ToString()}: {detail}"
            + string.Concat((errors ?? []).Select(e => $"{Environment.NewLine}  {e.Path}: {e.Message}")))
    {
        Status = status;
        Title = title;
        Detail = detail;
        Errors = errors ?? [];
    }

    public HttpStatusCode Status { get; }

    public string? Title { get; }

    public string? Detail { get; }

    /// <summary>Each error of a refused import manifest, with its JSON path; empty for other refusals.</summary>
    public IReadOnlyList<AttacheProblemError> Errors { get; } = [];
}
