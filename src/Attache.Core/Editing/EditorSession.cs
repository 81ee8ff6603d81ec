namespace Attache.Core.Editing;

/// <summary>Someone editing a file: opened at a time, and closed at a later one (null while still open).</summary>
public sealed record EditorSession
{
    public required string Id { get; init; }

    public required string FileId { get; init; }

    /// <summary>Who opened it.</summary>
    public required string Principal { get; init; }

    public required DateTimeOffset Opened { get; init; }

    public DateTimeOffset? Closed { get; init; }

    public bool IsOpen => Closed is null;
}
