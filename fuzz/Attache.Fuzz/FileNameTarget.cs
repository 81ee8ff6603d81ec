using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Attache.Core;
using Attache.Core.Files;

namespace Attache.Fuzz;

/// <summary>
/// <see cref="FileNames.Sanitize"/>: either a name that is safe to store and to put in a header, or
/// <see cref="Failure.Invalid"/>. An input whose first byte is odd is read as UTF-16 (so lone surrogates reach the
/// sanitiser, as they can from JSON), otherwise as UTF-8.
/// </summary>
public sealed class FileNameTarget : IFuzzTarget
{
    public const string TargetName = "file-name";

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        var raw = Decode(input);
        var outcome = FileNames.Sanitize(raw);
        if (!outcome.TryGetValue(out var name, out var failure))
        {
            FuzzTargets.Require(failure is Failure.Invalid, $"expected Invalid, got {failure}");
            return;
        }

        FuzzTargets.Require(name.Length > 0, "an empty name");
        FuzzTargets.Require(Encoding.UTF8.GetByteCount(name) <= FileNames.MaxUtf8Bytes, $"longer than {FileNames.MaxUtf8Bytes} UTF-8 bytes");
        FuzzTargets.Require(name.IndexOfAny(['/', '\\']) < 0, "a path separator survived");
        FuzzTargets.Require(name is not ("." or ".."), "a relative path segment survived");
        FuzzTargets.Require(!name.EndsWith('.') && !name.EndsWith(' ') && !name.StartsWith(' '), "untrimmed");
        FuzzTargets.Require(name.IsNormalized(NormalizationForm.FormC), "not NFC");
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            FuzzTargets.Require(
                category is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse)
                && rune.Value != 0xFFFD,
                $"unsafe character U+{rune.Value:X4} survived");
        }

        FuzzTargets.Require(FileNames.Sanitize(name).TryGetValue(out var again, out _) && again == name,
            $"sanitising twice changes the name: {Escaped(name)} became {Escaped(again)}");
    }

    private static string Escaped(string? text) =>
        text is null ? "a failure" : string.Concat(text.Select(c => char.IsAscii(c) && !char.IsControl(c) ? c.ToString() : $"\\u{(int)c:X4}"));

    private static string Decode(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return "";
        }

        var rest = input[1..];
        return (input[0] & 1) == 1
            ? new string(MemoryMarshal.Cast<byte, char>(rest[..(rest.Length & ~1)]))
            : Encoding.UTF8.GetString(rest);
    }
}
