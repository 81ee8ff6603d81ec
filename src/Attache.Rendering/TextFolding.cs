using System.Text;
using Attache.Core.Renditions;

namespace Attache.Rendering;

/// <summary>
/// Brings text into a legacy charset before layout, as Rev's legal text output does: letters with diacritics become
/// their basic Latin letter. ISO-8859-1 and Windows-1252 also take the nearest equivalent of ligatures, typographic
/// punctuation and symbols, and '?' for the rest; US-ASCII leaves out everything that is not a letter with a diacritic.
/// </summary>
internal static class TextFolding
{
    // Base letters of U+00C0..U+024F by canonical decomposition; '?' where there is none.
    private const string LatinBases =
        "AAAAAA?CEEEEIIII?NOOOOO??UUUUY??aaaaaa?ceeeeiiii?nooooo??uuuuy?yAaAaAaCcCcCcCcDd"
        + "??EeEeEeEeEeGgGgGgGgHh??IiIiIiIiI???JjKk?LlLlLl????NnNnNn???OoOoOo??RrRrRrSsSsSs"
        + "SsTtTt??UuUuUuUuUuUuWwYyYZzZzZz?????????????????????????????????Oo?????????????U"
        + "u????????????????????????????AaIiOoUuUuUuUuUu?AaAa????GgKkOoOo??j???Gg??NnAa????"
        + "AaAaEeEeIiIiOoOoRrRrUuUuSsTt??Hh??????AaEeOoOoOoOoYy????????????????????????????";

    // Base letters of U+1E00..U+1EFF (Latin Extended Additional: Vietnamese, transliterations) the same way.
    private const string LatinAdditionalBases =
        "AaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOo"
        + "OoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwy??????"
        + "AaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUu"
        + "UuYyYyYyYy??????";

    private static readonly Dictionary<int, string> Specials = new()
    {
        ['Æ'] = "AE", ['æ'] = "ae", ['Œ'] = "OE", ['œ'] = "oe", ['ß'] = "ss", ['ẞ'] = "SS", ['Ø'] = "O", ['ø'] = "o",
        ['Đ'] = "D", ['đ'] = "d", ['Ð'] = "D", ['ð'] = "d", ['Þ'] = "Th", ['þ'] = "th", ['Ł'] = "L", ['ł'] = "l",
        ['ı'] = "i", ['Ħ'] = "H", ['ħ'] = "h", ['Ŧ'] = "T", ['ŧ'] = "t",
        ['\u2018'] = "'", ['\u2019'] = "'", ['\u201A'] = "'", ['\u2032'] = "'", ['\u201C'] = "\"", ['\u201D'] = "\"",
        ['\u201E'] = "\"", ['\u2033'] = "\"", ['«'] = "\"", ['»'] = "\"", ['\u2039'] = "'", ['\u203A'] = "'",
        ['\u2010'] = "-", ['\u2011'] = "-", ['\u2012'] = "-", ['\u2013'] = "-", ['\u2014'] = "--", ['\u2015'] = "--", ['\u2212'] = "-",
        ['\u2026'] = "...", ['\u2022'] = "*", ['\u00B7'] = ".", ['\u00A0'] = " ", ['\u202F'] = " ", ['\u2009'] = " ",
        ['©'] = "(c)", ['®'] = "(R)", ['\u2122'] = "(TM)", ['×'] = "x", ['÷'] = "/", ['€'] = "EUR", ['§'] = "S.", ['¶'] = "P.",
        ['°'] = " degrees", ['½'] = "1/2", ['¼'] = "1/4", ['¾'] = "3/4", ['¿'] = "?", ['¡'] = "!",
    };

    // Letters whose diacritic (stroke, bar, dotless) has no decomposition: US-ASCII folds them as it folds accents.
    private const string StrokedLetters = "ŁłØøĐđÐðĦħŦŧı";

    // Windows-1252 bytes 0x80..0x9F; '\0' where the code page has no character.
    private const string Windows1252High =
        "\u20AC\0\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\0\u017D\0"
        + "\0\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\0\u017E\u0178";

    /// <summary>The text as the charset can carry it; unchanged for the Unicode charsets.</summary>
    public static string Fold(string text, string charset)
    {
        if (charset is TranscriptCharsets.Utf8 or TranscriptCharsets.Utf16 || IsAscii(text))
        {
            return text;
        }

        var folded = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var c = rune.Value;
            if (Carries(charset, c))
            {
                folded.Append((char)c);
            }
            else if (Specials.TryGetValue(c, out var special)
                && (charset != TranscriptCharsets.Ascii || StrokedLetters.Contains((char)c, StringComparison.Ordinal)))
            {
                folded.Append(special);
            }
            else if (c is >= 0xC0 and < 0x250 && LatinBases[c - 0xC0] != '?')
            {
                folded.Append(LatinBases[c - 0xC0]);
            }
            else if (c is >= 0x1E00 and < 0x1F00 && LatinAdditionalBases[c - 0x1E00] != '?')
            {
                folded.Append(LatinAdditionalBases[c - 0x1E00]);
            }
            else if (Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                // A combining accent after its letter: the letter alone is the folding.
            }
            else if (charset != TranscriptCharsets.Ascii)
            {
                folded.Append('?');
            }
        }

        return folded.ToString();
    }

    /// <summary>Bytes of already folded text; the Unicode charsets keep everything.</summary>
    public static byte[] Encode(string text, string charset) => charset switch
    {
        TranscriptCharsets.Utf16 => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
        TranscriptCharsets.Latin1 => Encoding.Latin1.GetBytes(text),
        TranscriptCharsets.Ascii => Encoding.ASCII.GetBytes(text),
        TranscriptCharsets.Windows1252 => Windows1252(text),
        _ => Encoding.UTF8.GetBytes(text),
    };

    private static bool Carries(string charset, int c) => charset switch
    {
        TranscriptCharsets.Ascii => c < 0x80,
        TranscriptCharsets.Latin1 => c < 0x80 || c is >= 0xA0 and <= 0xFF,
        _ => c < 0x80 || c is >= 0xA0 and <= 0xFF || (c is > 0 and <= 0xFFFF && Windows1252High.Contains((char)c, StringComparison.Ordinal)),
    };

    private static byte[] Windows1252(string text)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var high = c >= 0x100 ? Windows1252High.IndexOf(c, StringComparison.Ordinal) : -1;
            bytes[i] = high >= 0 ? (byte)(0x80 + high) : c <= 0xFF ? (byte)c : (byte)'?';
        }

        return bytes;
    }

    private static bool IsAscii(string text) => Ascii.IsValid(text);
}
