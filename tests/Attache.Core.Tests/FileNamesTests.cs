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
