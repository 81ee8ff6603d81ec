using System.Globalization;
using System.Text;

namespace Attache.Core.Files;

/// <summary>Turns a client-supplied file name into a display name that is safe to store and to put in headers.</summary>
public static class FileNames
{
    public const string Default = "file";
    public const int MaxUtf8Bytes = 255;

    /// <summary>
    /// Keeps the last path segment (so <c>C:\fakepath\a.txt</c> becomes <c>a.txt</c>), drops control and
    /// bidirectional-override characters, trims spaces and trailing dots, normalises to NFC and shortens to
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

        var name = builder.ToString().Normalize(NormalizationForm.FormC).Trim().TrimEnd('.', ' ');
        if (name.Length == 0)
        {
            return new Failure.Invalid($"The file name '{Printable(raw)}' has no usable characters.", "fileName");
        }

        return Shorten(name);
    }

    private static bool IsUnsafe(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                   or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
            || rune.Value == 0xFFFD;
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

        return stem.ToString().TrimEnd('.', ' ') + extension;
    }

    private static string Printable(string raw) =>
        new(raw.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
