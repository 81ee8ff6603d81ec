using System.Text;
using Attache.Core.Renditions;

namespace Attache.Rendering.Tests;

public sealed class CharsetTests
{
    private const string Json = """
        { "monologues": [ { "speaker_name": "Renée Groß", "monologue_type": "answer", "elements": [
            { "type": "text", "value": "À bientôt — “Æsop’s” café… 中文 €5" } ] } ] }
        """;

    [Theory]
    [InlineData(TranscriptCharsets.Utf8, " 1        A.   À bientôt — “Æsop’s” café… 中文 €5")]
    [InlineData(TranscriptCharsets.Ascii, " 1        A.   A bientot sops cafe 5")]
    [InlineData(TranscriptCharsets.Latin1, " 1        A.   À bientôt -- \"Æsop's\" café... ?? EUR5")]
    [InlineData(TranscriptCharsets.Windows1252, " 1        A.   À bientôt — “Æsop’s” café… ?? €5")]
    public async Task Text_is_folded_into_the_charset_before_it_is_laid_out(string charset, string expected)
    {
        var bytes = await Renders.RenderAsync(Json, RenditionFormat.Text, charset, new Dictionary<string, string>());

        var encoding = charset switch
        {
            TranscriptCharsets.Utf8 => Encoding.UTF8,
            TranscriptCharsets.Ascii => Encoding.ASCII,
            TranscriptCharsets.Latin1 => Encoding.Latin1,
            _ => CodePagesEncoding(),
        };
        Assert.Equal(expected, encoding.GetString(bytes).Split("\r\n")[2]);
        if (charset == TranscriptCharsets.Ascii)
        {
            Assert.All(bytes, b => Assert.True(b < 0x80));
        }
    }

    [Theory]
    [InlineData(TranscriptCharsets.Ascii)]
    [InlineData(TranscriptCharsets.Latin1)]
    [InlineData(TranscriptCharsets.Windows1252)]
    public async Task Letters_with_diacritics_beyond_latin_extended_b_fold_to_their_basic_letter(string charset)
    {
        const string json = """
            { "monologues": [ { "monologue_type": "answer", "elements": [ { "type": "text", "value": "Nguyễn Thị Phạm, Đặng Ḥasan" } ] } ] }
            """;

        var bytes = await Renders.RenderAsync(json, RenditionFormat.Text, charset, new Dictionary<string, string>());

        Assert.Equal(" 1        A.   Nguyen Thi Pham, Dang Hasan", Encoding.Latin1.GetString(bytes).Split("\r\n")[2]);
    }

    [Fact]
    public async Task Windows_1252_uses_its_own_bytes_for_typographic_punctuation()
    {
        var bytes = await Renders.RenderAsync(Json, RenditionFormat.Text, TranscriptCharsets.Windows1252, new Dictionary<string, string>());

        Assert.Contains((byte)0x97, bytes); // em dash
        Assert.Contains((byte)0x93, bytes); // left double quotation mark
        Assert.Contains((byte)0x80, bytes); // euro sign
    }

    [Fact]
    public async Task Utf16_is_little_endian_with_a_byte_order_mark_and_utf8_has_none()
    {
        var utf16 = await Renders.RenderAsync(Json, RenditionFormat.Text, TranscriptCharsets.Utf16, new Dictionary<string, string>());
        var utf8 = await Renders.RenderAsync(Json, RenditionFormat.Text, TranscriptCharsets.Utf8, new Dictionary<string, string>());

        Assert.Equal([0xFF, 0xFE], utf16[..2]);
        Assert.Equal(Encoding.UTF8.GetString(utf8), Encoding.Unicode.GetString(utf16[2..]));
        Assert.NotEqual(0xEF, utf8[0]);
    }

    private static Encoding CodePagesEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }
}
