using System.Globalization;
using Attache.Core;
using Attache.Core.Audit;
using Attache.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Api;

/// <summary><c>GET /v1/audit</c>: the audit trail, newest first, for administrators.</summary>
internal static class AuditEndpoints
{
    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", QueryAsync);
        return api;
    }

    private static async Task<Results<Ok<AuditPageModel>, ProblemHttpResult>> QueryAsync(
        string? principal, string? action, string? document, string? file, string? from, string? to, string? cursor, int? limit,
        HttpContext http, AuditService audit, CancellationToken cancellationToken)
    {
        if (!TryParseTime(from, out var fromTime))
        {
            return InvalidTime("from");
        }

        if (!TryParseTime(to, out var toTime))
        {
            return InvalidTime("to");
        }

        var query = new AuditQuery(principal, action, document, file, fromTime, toTime, Limit: limit ?? 100);
        var outcome = await audit.QueryAsync(http.Caller(), query, cursor, cancellationToken);
        return outcome.TryGetValue(out var page, out var failure)
            ? TypedResults.Ok(new AuditPageModel(page.Items.Select(AuditEventModel.From).ToList(), page.NextCursor))
            : failure.ToProblem();
    }

    private static bool TryParseTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        time = parsed;
        return true;
    }

    private static ProblemHttpResult InvalidTime(string field) =>
        new Failure.Invalid($"{field} must be a date and time such as 2026-11-22T12:00:00Z.", field).ToProblem();
}

internal sealed record AuditPageModel(IReadOnlyList<AuditEventModel> Items, string? NextCursor);

internal sealed record AuditEventModel(
    long Id,
    DateTimeOffset Time,
    string Action,
    string? Principal,
    string? DocumentId,
    string? FileId,
    int? Version,
    string Result,
    int? Status,
    long? Bytes,
    string? Range,
    string? Detail,
    string? ClientAddress,
    string? UserAgent,
    string? CorrelationId)
{
    public static AuditEventModel From(AuditEvent e) => new(
        e.Id, e.Time, e.Action, e.Principal, e.DocumentId, e.FileId, e.Version, e.Result, e.Status, e.Bytes, e.Range, e.Detail,
        e.ClientAddress, e.UserAgent, e.CorrelationId);
}
