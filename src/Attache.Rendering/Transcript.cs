namespace Attache.Rendering;

/// <summary>A transcript reduced to what a legal layout needs: per monologue, its type, speaker and text.</summary>
internal sealed record Transcript(IReadOnlyList<Monologue> Monologues);

/// <summary>One run of speech. <see cref="Text"/> has tags in brackets and single spaces between words.</summary>
internal sealed record Monologue(string Type, string Speaker, string Text);

/// <summary>The monologue types of the Rev legal transcript (seed 002).</summary>
internal static class MonologueTypes
{
    public const string Colloquy = "colloquy";
    public const string Question = "question";
    public const string Answer = "answer";
    public const string ByLine = "by_line";
    public const string Exhibit = "exhibit";
    public const string SwearIn = "swear_in";
    public const string ExaminationTitle = "examination_title";
    public const string OtherParenthetical = "other_parenthetical";
    public const string ProceedingEnd = "proceeding_end";
}
