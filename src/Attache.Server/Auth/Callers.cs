using System.Diagnostics;
using Attache.Core.Principals;

namespace Attache.Server.Auth;

/// <summary>Turns an authenticated request into the core's <see cref="Caller"/>, with its origin for the audit trail.</summary>
internal static class Callers
{
    /// <summary>A client-supplied correlation id is kept when it is short printable ASCII; otherwise the trace id is used.</summary>
    public const string CorrelationHeader = "X-Correlation-Id";

    private const int MaxUserAgentLength = 512;
    private const int MaxCorrelationIdLength = 128;

    public static Caller Caller(this HttpContext http) =>
        PrincipalClaims.ToCaller(http.User) with { Origin = Origin(http) };

    public static RequestOrigin Origin(HttpContext http)
    {
        var userAgent = http.Request.Headers.UserAgent.ToString();
        return new RequestOrigin(
            http.Connection.RemoteIpAddress?.ToString(),
            userAgent.Length == 0 ? null : userAgent[..Math.Min(userAgent.Length, MaxUserAgentLength)],
            CorrelationId(http));
    }

    private static string CorrelationId(HttpContext http)
    {
        var presented = http.Request.Headers[CorrelationHeader];
        if (presented.Count == 1 && presented[0] is { Length: > 0 and <= MaxCorrelationIdLength } id
            && id.All(c => c is > ' ' and < (char)0x7F))
        {
            return id;
        }

        return Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
    }
}
