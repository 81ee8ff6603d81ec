namespace Attache.Core.Audit;

/// <summary>
/// One append-only record of the audit trail: who did what to which document or file, when, from where, and how it
/// ended. <see cref="Id"/> is given by the store; it orders events and is the paging cursor.
/// </summary>
public sealed record AuditEvent
{
    public long Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }

    /// <summary>The principal's name; null when nobody authenticated (a download through a presigned link).</summary>
    public string? Principal { get; init; }

    public string? DocumentId { get; init; }

    public string? FileId { get; init; }

    public int? Version { get; init; }

    /// <summary><see cref="AuditResults.Ok"/>, <see cref="AuditResults.Aborted"/>, <see cref="AuditResults.Failed"/>, or the kind of failure the caller was given (<c>NotFound</c>, <c>Forbidden</c>, …).</summary>
    public required string Result { get; init; }

    /// <summary>The HTTP status a download answered with.</summary>
    public int? Status { get; init; }

    /// <summary>Bytes of content stored (upload) or actually written to the client (download).</summary>
    public long? Bytes { get; init; }

    /// <summary>The byte ranges served, <c>first-last</c> separated by commas; null for the whole content.</summary>
    public string? Range { get; init; }

    public string? Detail { get; init; }

    public string? ClientAddress { get; init; }

    public string? UserAgent { get; init; }

    public string? CorrelationId { get; init; }
}

public static class AuditActions
{
    public const string Upload = "upload";
    public const string Download = "download";
    public const string Link = "link";
    public const string Delete = "delete";
    public const string Denied = "denied";

    /// <summary>A document's access control list was changed; <see cref="AuditEvent.Detail"/> holds it before and after.</summary>
    public const string Acl = "acl";

    /// <summary>Marks a gap: events that were recorded but could not be kept; <see cref="AuditEvent.Detail"/> says how many.</summary>
    public const string Lost = "lost";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Upload, Download, Link, Delete, Denied, Acl, Lost };
}

public static class AuditResults
{
    public const string Ok = "ok";

    /// <summary>The client went away before the operation finished.</summary>
    public const string Aborted = "aborted";

    /// <summary>The server could not finish (a damaged blob, a storage error).</summary>
    public const string Failed = "failed";

    /// <summary>The name of the failure, e.g. <c>NotFound</c> or <c>ChecksumMismatch</c>.</summary>
    public static string Of(Failure failure) => failure.GetType().Name;
}

/// <summary>Filters for reading the audit trail; null filters match everything. Newest first.</summary>
public sealed record AuditQuery(
    string? Principal = null,
    string? Action = null,
    string? DocumentId = null,
    string? FileId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    long? Before = null,
    int Limit = 100);

public sealed record AuditPage(IReadOnlyList<AuditEvent> Items, string? NextCursor);
