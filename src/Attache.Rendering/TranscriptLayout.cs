using System.Text;
using Attache.Core.Renditions;

namespace Attache.Rendering;

/// <summary>The caption of a transcript, from the document's properties (see <see cref="Transcripts"/>).</summary>
internal sealed record Caption(string? Court, string? CaseName, string? Witness, string? Date)
{
    public bool IsEmpty => Court is null && CaseName is null && Witness is null && Date is null;

    public static Caption From(IReadOnlyDictionary<string, string> properties, string charset)
    {
        // A property may hold line breaks and control characters; the caption prints it on the numbered lines.
        string? Read(string name) =>
            properties.TryGetValue(name, out var value) && TranscriptReader.Collapse(value) is { Length: > 0 } line ? TextFolding.Fold(line, charset) : null;

        return new(Read(Transcripts.CourtProperty), Read(Transcripts.CaseNameProperty), Read(Transcripts.WitnessProperty), Read(Transcripts.DateProperty));
    }
}

/// <summary>One page: exactly <see cref="TranscriptLayout.LinesPerPage"/> lines of the text column.</summary>
internal sealed record TranscriptPage(int Number, IReadOnlyList<string> Lines);

/// <summary>
/// The legal layout shared by every format, on a grid of fixed-width columns (a CJK character takes two), as
/// certified deposition transcripts are set: 25 numbered lines a page, Q. and A. at column 5 with the text at 10 and
/// continuation lines at the margin, speaker labels at 10, parentheticals at 10, examination titles centred, and a
/// caption page in front when the document names the case, the witness or the date.
/// </summary>
internal sealed class TranscriptLayout
{
    public const int LinesPerPage = 25;

    /// <summary>Columns of the text area: at least the 56 characters a line that court rules ask for.</summary>
    public const int Width = 60;

    /// <summary>Columns of the line number and the space after it.</summary>
    public const int Gutter = 5;

    public const int RowWidth = Gutter + Width;

    private const string Tab1 = "     ";
    private const string Tab2 = "          ";

    private TranscriptLayout(Caption caption, IReadOnlyList<TranscriptPage> pages)
    {
        Caption = caption;
        Pages = pages;
    }

    public Caption Caption { get; }

    public IReadOnlyList<TranscriptPage> Pages { get; }

    /// <summary>The line as printed: the number right-aligned in two columns, three spaces, the text.</summary>
    public static string Row(int line, string text) => text.Length == 0 ? $"{line,2}" : $"{line,2}   {text}";

    public static TranscriptLayout Create(Transcript transcript, Caption caption, string charset)
    {
        var lines = new List<string>();
        if (!caption.IsEmpty)
        {
            lines.AddRange(CaptionPage(caption));
        }

        foreach (var monologue in transcript.Monologues)
        {
            var text = TextFolding.Fold(monologue.Text, charset);
            var speaker = TextFolding.Fold(monologue.Speaker, charset);
            lines.AddRange(Lines(monologue.Type, speaker, text));
        }

        var pages = new List<TranscriptPage>();
        for (var start = 0; start < lines.Count || pages.Count == 0; start += LinesPerPage)
        {
            var page = lines.Skip(start).Take(LinesPerPage).ToList();
            page.AddRange(Enumerable.Repeat("", LinesPerPage - page.Count));
            pages.Add(new TranscriptPage(pages.Count + 1, page));
        }

        return new TranscriptLayout(caption, pages);
    }

    /// <summary>The running head: the case name on the left, the page number on the right.</summary>
    public string Header(int page)
    {
        var right = $"Page {page}";
        var left = Caption.CaseName is { } name ? Truncate(name, RowWidth - right.Length - 2) : "";
        return left + new string(' ', RowWidth - Columns.Of(left) - right.Length) + right;
    }

    /// <summary>The foot of every page: the witness and the date, centred.</summary>
    public string Footer()
    {
        var parts = new List<string>();
        if (Caption.Witness is { } witness)
        {
            parts.Add($"Deposition of {witness}");
        }

        if (Caption.Date is { } date)
        {
            parts.Add(date);
        }

        return Center(Truncate(string.Join(", ", parts), RowWidth), RowWidth);
    }

    private static List<string> CaptionPage(Caption caption)
    {
        var lines = new List<string> { "" };
        if (caption.Court is { } court)
        {
            lines.AddRange(Centered(court.ToUpperInvariant()));
            lines.Add("");
        }

        if (caption.CaseName is { } name)
        {
            lines.AddRange(Centered(name));
            lines.Add("");
        }

        if (caption.Witness is { } witness)
        {
            lines.AddRange(Centered($"DEPOSITION OF {witness.ToUpperInvariant()}"));
        }

        if (caption.Date is { } date)
        {
            lines.AddRange(Centered(date));
        }

        // The caption has a page of its own; an overlong one runs on to whole pages.
        var rest = lines.Count % LinesPerPage;
        lines.AddRange(Enumerable.Repeat("", rest == 0 ? 0 : LinesPerPage - rest));
        return lines;
    }

    private static IEnumerable<string> Lines(string type, string speaker, string text) => type switch
    {
        MonologueTypes.Question => Wrap(text, Tab1 + "Q.   ", ""),
        MonologueTypes.Answer => Wrap(text, Tab1 + "A.   ", ""),
        MonologueTypes.ByLine => Wrap(ByLine(speaker, text), Tab1, Tab1),
        MonologueTypes.ExaminationTitle => Centered(text.ToUpperInvariant()),
        MonologueTypes.Exhibit or MonologueTypes.SwearIn or MonologueTypes.OtherParenthetical or MonologueTypes.ProceedingEnd =>
            text.Length == 0 ? [] : Wrap(text.StartsWith('(') && text.EndsWith(')') ? text : $"({text})", Tab2, Tab2),
        // Colloquy, and types this renderer does not know: what a speaker said, under the speaker's name.
        _ => speaker.Length == 0 ? Wrap(text, Tab2, "") : Wrap(text, $"{Tab2}{speaker.ToUpperInvariant()}:  ", ""),
    };

    private static string ByLine(string speaker, string text)
    {
        var line = text.Length > 0 ? text : speaker;
        if (!line.StartsWith("BY ", StringComparison.OrdinalIgnoreCase))
        {
            line = "BY " + line;
        }

        return (line.EndsWith(':') ? line : line + ":").ToUpperInvariant();
    }

    private static IEnumerable<string> Centered(string text) => Wrap(text, "", "").Select(line => Center(line, Width));

    private static string Center(string line, int width) => new string(' ', Math.Max(0, (width - Columns.Of(line)) / 2)) + line;

    private static string Truncate(string text, int width)
    {
        if (Columns.Of(text) <= width)
        {
            return text;
        }

        var cut = new StringBuilder();
        var used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var w = Columns.Of(rune);
            if (used + w > width - 3)
            {
                break;
            }

            cut.Append(rune.ToString());
            used += w;
        }

        return cut.Append("...").ToString();
    }

    /// <summary>
    /// Greedy word wrap to <see cref="Width"/> columns: the first line starts with <paramref name="first"/>, the others
    /// with <paramref name="rest"/>. Words with CJK characters break anywhere; other words only when longer than a line.
    /// </summary>
    private static List<string> Wrap(string text, string first, string rest)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        var used = 0;
        var hasWord = false;

        void NewLine()
        {
            lines.Add(line.ToString().TrimEnd());
            line.Clear().Append(rest);
            used = rest.Length;
            hasWord = false;
        }

        // The first line's lead-in (a speaker's name) breaks like a long word when it is wider than a line.
        foreach (var rune in first.EnumerateRunes())
        {
            var w = Columns.Of(rune);
            if (used + w > Width)
            {
                NewLine();
                if (Rune.IsWhiteSpace(rune))
                {
                    continue;
                }
            }

            line.Append(rune.ToString());
            used += w;
        }

        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var width = Columns.Of(word);
            var gap = hasWord ? 1 : 0;
            if (used + gap + width <= Width)
            {
                line.Append(' ', gap).Append(word);
                used += gap + width;
                hasWord = true;
                continue;
            }

            if (!Columns.HasWide(word) && rest.Length + width <= Width)
            {
                NewLine();
                line.Append(word);
                used += width;
                hasWord = true;
                continue;
            }

            foreach (var rune in word.EnumerateRunes())
            {
                var w = Columns.Of(rune);
                if (used + gap + w > Width)
                {
                    NewLine();
                    gap = 0;
                }

                line.Append(' ', gap).Append(rune.ToString());
                used += gap + w;
                gap = 0;
                hasWord = true;
            }
        }

        if (hasWord || line.ToString().Trim().Length > 0)
        {
            lines.Add(line.ToString().TrimEnd());
        }

        return lines;
    }
}

/// <summary>How many grid columns text takes: two for East Asian wide characters, none for combining marks.</summary>
internal static class Columns
{
    public static int Of(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            width += Of(rune);
        }

        return width;
    }

    public static int Of(Rune rune)
    {
        if (rune.Value < 0x300)
        {
            return 1;
        }

        var category = Rune.GetUnicodeCategory(rune);
        if (category is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.EnclosingMark
            or System.Globalization.UnicodeCategory.Format)
        {
            return 0;
        }

        return IsWide(rune.Value) ? 2 : 1;
    }

    public static bool HasWide(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsWide(rune.Value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWide(int c) =>
        c is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0x303E or >= 0x3041 and <= 0x33FF or >= 0x3400 and <= 0x4DBF
            or >= 0x4E00 and <= 0x9FFF or >= 0xA000 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F300 and <= 0x1F64F
            or >= 0x1F900 and <= 0x1F9FF or >= 0x20000 and <= 0x3FFFD;
}
