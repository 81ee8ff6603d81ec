using System.Globalization;
using System.Text;

namespace Attache.Core.Files;

/// <summary>Turns a client-supplied file name into a display name that is safe to store and to put in headers.</summary>
public static class FileNames
{
    public const string Default = "file";
    public const int MaxUtf8Bytes = 255;

    /// <summary>
    /// Keeps the last path segment (so <c>C:\fakepath\a.txt</c> becomes <c>a.txt</c>), drops control,
    /// bidirectional-override and noncharacters, trims white space and trailing dots, normalises to NFC and shortens to
    /// 255 UTF-8 bytes keeping the extension. Null or empty input gives <see cref="Default"/>; input that
    /// leaves nothing (such as <c>..</c>) is invalid.
    /// </summary>
    public static Outcome<string> Sanitize(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return Default;
        }

        var lastSeparator = raw.LastIndexOfAny(['/', '\\']);
        var segment = lastSeparator >= 0 ? raw[(lastSeparator + 1)..] : raw;

        var builder = new StringBuilder(segment.Length);
        foreach (var rune in segment.EnumerateRunes())
        {
            if (!IsUnsafe(rune))
            {
                builder.Append(rune.ToString());
            }
        }

        // Shortening can leave nothing too: the first 255 bytes may be dots and white space alone.
        var name = Shorten(Trim(builder.ToString().Normalize(NormalizationForm.FormC)));
        if (name.Length == 0)
        {
            return new Failure.Invalid($"The file name '{Printable(raw)}' has no usable characters.", "fileName");
        }

        return name;
    }

    private static bool IsUnsafe(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                   or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
            || rune.Value == 0xFFFD || IsNoncharacter(rune.Value);
    }

    // U+FDD0–U+FDEF and the last two code points of every plane are reserved for internal use (and String.Normalize
    // rejects U+FFFE), so they never belong in a name.
    private static bool IsNoncharacter(int value) => value is >= 0xFDD0 and <= 0xFDEF || (value & 0xFFFE) == 0xFFFE;

    // Leading white space; trailing white space of every kind and dots, mixed, so that sanitising a result again keeps it.
    private static string Trim(string name)
    {
        var end = name.Length;
        while (end > 0 && (char.IsWhiteSpace(name[end - 1]) || name[end - 1] == '.'))
        {
            end--;
        }

        return name[..end].TrimStart();
    }

    private static string Shorten(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= MaxUtf8Bytes)
        {
            return name;
        }

        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= 16 ? name[dot..] : "";
        var budget = MaxUtf8Bytes - Encoding.UTF8.GetByteCount(extension);
        var stem = new StringBuilder();
        var used = 0;
        foreach (var rune in name[..(name.Length - extension.Length)].EnumerateRunes())
        {
            used += rune.Utf8SequenceLength;
            if (used > budget)
            {
                break;
            }

            stem.Append(rune.ToString());
        }

        return Trim(stem.ToString()) + extension;
    }

    private static string Printable(string raw) =>
        new(raw.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
