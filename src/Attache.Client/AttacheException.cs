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
        : base($"{(int)status} {title ?? status.ToString()}: {detail}")
    {
        Status = status;
        Title = title;
        Detail = detail;
    }

    public HttpStatusCode Status { get; }

    public string? Title { get; }

    public string? Detail { get; }
}
