namespace Attache.Server.Http;

/// <summary>How a dialect wants one download presented; the bytes and validators always come from the plan.</summary>
internal sealed record DownloadOptions
{
    public static DownloadOptions Default { get; } = new();

    /// <summary>A token such as <c>attachment</c>, <c>inline</c> or a product's own, e.g. <c>see_dictation_attachment</c>.</summary>
    public string DispositionType { get; init; } = "attachment";

    /// <summary>Overrides the plan's media type when set.</summary>
    public string? ContentType { get; init; }

    public FileNameStyle FileNameStyle { get; init; } = FileNameStyle.Quoted;

    public string CacheControl { get; init; } = "private, no-cache";

    /// <summary>Adds a dialect's own headers; called on every response the result writes except a 500.</summary>
    public Action<HttpResponse>? ExtraHeaders { get; init; }
}

internal enum FileNameStyle
{
    /// <summary>RFC 6266: <c>filename="…"</c>.</summary>
    Quoted,

    /// <summary><c>filename=name</c> without quotes when the ASCII name is a token, as some products write it.</summary>
    UnquotedToken,
}
