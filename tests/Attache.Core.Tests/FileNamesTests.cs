using System.Text;
using Attache.Core.Files;

namespace Attache.Core.Tests;

public sealed class FileNamesTests
{
    [Theory]
    [InlineData(@"C:\fakepath\x.txt", "x.txt")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("/var/tmp/report.pdf", "report.pdf")]
    [InlineData(@"..\..\boot.ini", "boot.ini")]
    [InlineData("a\r\nb.txt", "ab.txt")]
    [InlineData("a\0b.txt", "ab.txt")]
    [InlineData("a\tb.txt", "ab.txt")]
    [InlineData("a\u007Fb.txt", "ab.txt")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("\u2066name\u2069.txt", "name.txt")]
    [InlineData("zero\u200Bwidth\u200D\uFEFF.txt", "zerowidth.txt")]
    [InlineData("report.pdf. . .", "report.pdf")]
    [InlineData("  spaced.txt  ", "spaced.txt")]
    [InlineData("caf\u0065\u0301.txt", "caf\u00E9.txt")]
    [InlineData("plain name (1).docx", "plain name (1).docx")]
    public void Hostile_names_are_reduced_to_a_safe_display_name(string raw, string expected)
    {
        var sanitized = FileNames.Sanitize(raw);

        Assert.Null(sanitized.Failure);
        Assert.Equal(expected, sanitized.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_name_becomes_the_default(string? raw) =>
        Assert.Equal(FileNames.Default, FileNames.Sanitize(raw).Value);

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("///")]
    [InlineData(@"dir\")]
    [InlineData("\u202E\u200B")]
    [InlineData(" . ")]
    public void A_name_that_leaves_nothing_usable_is_invalid(string raw)
    {
        var failure = Assert.IsType<Failure.Invalid>(FileNames.Sanitize(raw).Failure);
        Assert.Equal("fileName", failure.Field);
    }

    [Fact]
    public void A_normalised_name_is_in_NFC()
    {
        var name = FileNames.Sanitize("re\u0301sume\u0301.txt").Value;

        Assert.Equal("r\u00E9sum\u00E9.txt", name);
        Assert.True(name.IsNormalized(NormalizationForm.FormC));
    }

    [Fact]
    public void A_long_CJK_name_is_shortened_to_255_bytes_keeping_its_extension()
    {
        var raw = new string('文', 100) + ".pdf";
        Assert.Equal(304, Encoding.UTF8.GetByteCount(raw));

        var name = FileNames.Sanitize(raw).Value;

        Assert.True(Encoding.UTF8.GetByteCount(name) <= FileNames.MaxUtf8Bytes);
        Assert.EndsWith(".pdf", name, StringComparison.Ordinal);
        Assert.Equal(new string('文', 83) + ".pdf", name);
    }

    [Fact]
    public void Shortening_never_splits_an_emoji()
    {
        var raw = string.Concat(Enumerable.Repeat("😀", 70)) + ".txt";

        var name = FileNames.Sanitize(raw).Value;

        Assert.True(Encoding.UTF8.GetByteCount(name) <= FileNames.MaxUtf8Bytes);
        Assert.EndsWith(".txt", name, StringComparison.Ordinal);
        Assert.Equal(62, name.EnumerateRunes().Count(r => r.Value == 0x1F600));
        Assert.DoesNotContain(Rune.ReplacementChar, name.EnumerateRunes());
        Assert.Equal(name, Encoding.UTF8.GetString(new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(name)));
    }

    [Fact]
    public void A_short_emoji_name_is_kept_intact() =>
        Assert.Equal("🎉 party 👍🏽.png", FileNames.Sanitize("🎉 party 👍🏽.png").Value);

    [Fact]
    public void A_name_of_exactly_255_bytes_is_kept()
    {
        var raw = new string('a', 251) + ".txt";

        Assert.Equal(raw, FileNames.Sanitize(raw).Value);
    }
}

public sealed class FileNamesFuzzFindingsTests
{
    // Found by fuzzing: String.Normalize throws on U+FFFE, so such a name was an unhandled exception (a 500), not a name.
    [Theory]
    [InlineData("a\uFFFEb.txt", "ab.txt")]
    [InlineData("a\uFFFFb.txt", "ab.txt")]
    [InlineData("a\uFDD0b.txt", "ab.txt")]
    [InlineData("a\U0001FFFEb.txt", "ab.txt")]
    public void Noncharacters_are_dropped(string raw, string expected) =>
        Assert.Equal(expected, FileNames.Sanitize(raw).Value);

    [Fact]
    public void Every_code_point_gives_a_name_or_a_failure_never_an_exception()
    {
        for (var value = 0; value <= 0x10FFFF; value++)
        {
            var text = value is >= 0xD800 and <= 0xDFFF ? ((char)value).ToString() : char.ConvertFromUtf32(value);
            var outcome = FileNames.Sanitize("a" + text + ".txt");
            Assert.True(outcome.Succeeded, $"U+{value:X4}");
        }
    }

    // Found by fuzzing: only ASCII spaces were trimmed before trailing dots and after shortening, so a name could end
    // in another space (U+2002) and sanitising it again changed it.
    [Theory]
    [InlineData("a\u2002.", "a")]
    [InlineData("a.\u3000.", "a")]
    [InlineData("\u2002a\u2002", "a")]
    public void Trailing_spaces_of_every_kind_and_dots_are_trimmed_together(string raw, string expected) =>
        Assert.Equal(expected, FileNames.Sanitize(raw).Value);

    // Seen while fixing the above: a name whose first 255 bytes are dots was shortened to nothing and accepted as "".
    [Fact]
    public void A_name_shortened_to_nothing_is_invalid()
    {
        var failure = Assert.IsType<Failure.Invalid>(FileNames.Sanitize(new string('.', 300) + new string('y', 20)).Failure);
        Assert.Equal("fileName", failure.Field);
    }

    [Fact]
    public void A_name_shortened_before_a_wide_space_does_not_end_in_it()
    {
        var raw = new string('x', 252) + "\u2002" + new string('y', 20);
        var name = FileNames.Sanitize(raw).Value;

        Assert.False(char.IsWhiteSpace(name[^1]));
        Assert.Equal(name, FileNames.Sanitize(name).Value);
    }
}
