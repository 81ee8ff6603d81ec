using System.Text;
using Attache.Core;
using Attache.Core.Ports;
using Attache.Core.Renditions;

namespace Attache.Rendering.Tests;

public sealed class ErrorTests
{
    [Theory]
    [InlineData("", "$")]
    [InlineData("[]", "$")]
    [InlineData("{\"speakers\": []}", "$.monologues")]
    [InlineData("{\"monologues\": 5}", "$.monologues")]
    [InlineData("{\"monologues\": [ {\"speaker\": \"two\"} ]}", "$.monologues[0].speaker")]
    [InlineData("{\"monologues\": [ {\"elements\": [ {\"type\": \"text\", \"value\": \"cut", "$.monologues[0].elements[0].value")]
    [InlineData("{\"monologues\": [ {\"elements\": [ {\"type\": \"text\", \"value\": 12} ] } ] }", "$.monologues[0].elements[0].value")]
    public async Task Bad_transcript_json_is_invalid_naming_where(string json, string path)
    {
        foreach (var format in RenditionFormat.All)
        {
            using var source = new MemoryStream(Encoding.UTF8.GetBytes(json));
            using var output = new MemoryStream();

            var failure = await Renders.Renderer.RenderAsync(source, new RenderRequest(format, TranscriptCharsets.Utf8, Renders.Caption), output, Renders.Token);

            var invalid = Assert.IsType<Failure.Invalid>(failure);
            Assert.Equal(path, invalid.Field);
            Assert.Contains(path, invalid.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"monologues\": [ {\"elements\": [ {\"type\": \"text\", \"value\": \"a\\ud800b\"} ] } ] }", "$.monologues[0].elements[0].value")]
    [InlineData("{\"monologues\": [ {\"elements\": [ {\"type\": \"tag\", \"value\": \"\\udc00\"} ] } ] }", "$.monologues[0].elements[0].value")]
    [InlineData("{\"monologues\": [ {\"speaker_name\": \"Ann \\udc00\", \"elements\": [] } ] }", "$.monologues[0].speaker_name")]
    [InlineData("{\"speakers\": [ {\"id\": \"\\ud800\"} ], \"monologues\": [] }", "$.speakers[0].id")]
    public async Task A_string_with_an_unpaired_surrogate_escape_is_invalid_naming_where(string json, string path)
    {
        foreach (var format in RenditionFormat.All)
        {
            using var source = new MemoryStream(Encoding.UTF8.GetBytes(json));

            var failure = await Renders.Renderer.RenderAsync(source, new RenderRequest(format, TranscriptCharsets.Utf8, Renders.Caption), Stream.Null, Renders.Token);

            Assert.Equal(path, Assert.IsType<Failure.Invalid>(failure).Field);
        }
    }

    [Fact]
    public async Task A_string_that_is_not_utf8_is_invalid_naming_where()
    {
        byte[] json = [.. "{\"monologues\": [ {\"elements\": [ {\"type\": \"text\", \"value\": \"caf"u8, 0xC3, 0x28, .. "\"} ] } ] }"u8];
        using var source = new MemoryStream(json);

        var failure = await Renders.Renderer.RenderAsync(source, new RenderRequest(RenditionFormat.Pdf, TranscriptCharsets.Utf8, Renders.Caption), Stream.Null, Renders.Token);

        Assert.Equal("$.monologues[0].elements[0].value", Assert.IsType<Failure.Invalid>(failure).Field);
    }

    [Fact]
    public async Task A_malformed_document_says_the_line_and_byte()
    {
        using var source = new MemoryStream("{\n  \"monologues\": [\n    { \"speaker\": 1, }\n    x\n]}"u8.ToArray());

        var failure = await Renders.Renderer.RenderAsync(source, new RenderRequest(RenditionFormat.Text, "utf-8", Renders.Caption), Stream.Null, Renders.Token);

        var invalid = Assert.IsType<Failure.Invalid>(failure);
        Assert.Equal("The transcript is not valid Rev transcript JSON at $.monologues[1] (line 4, byte 5): 'x' is invalid after a value. Expected either ',', '}', or ']'.", invalid.Message);
    }

    [Fact]
    public void Pdf_without_any_font_file_fails_with_a_message_that_names_the_setting_and_the_packages()
    {
        using var fonts = new FontSet(["/nonexistent/font.ttf"]);

        var error = Assert.Throws<InvalidOperationException>(() => fonts.Glyph(new Rune('A')));

        Assert.Contains("Attache:Rendering:Fonts", error.Message, StringComparison.Ordinal);
        Assert.Contains("fonts-wqy-microhei", error.Message, StringComparison.Ordinal);
    }
    [Fact]
    public void The_revision_in_every_cache_key_changes_with_the_fonts_pdfs_are_drawn_with()
    {
        using var latin = new FontSet(["/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"]);
        using var latinAgain = new FontSet(["/nonexistent/font.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"]);

        Assert.NotEqual(Renders.Renderer.Revision, new TranscriptRenderer(latin).Revision);
        Assert.Equal(new TranscriptRenderer(latin).Revision, new TranscriptRenderer(latinAgain).Revision);
    }
}
