using System.Text;
using Attache.Core.Renditions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace Attache.Rendering.Tests;

public sealed class DocumentTests
{
    [Fact]
    public async Task Docx_has_25_numbered_line_paragraphs_a_page_and_the_caption_in_its_header_and_footer()
    {
        using var stream = new MemoryStream(await Renders.RenderAsync(Renders.EveryType, RenditionFormat.Docx));
        using var document = WordprocessingDocument.Open(stream, false);

        var main = document.MainDocumentPart!;
        var paragraphs = main.Document!.Body!.Elements<Paragraph>().ToList();
        Assert.Equal(2 * 25, paragraphs.Count);
        Assert.Equal([25], paragraphs.Select((p, i) => (p, i)).Where(x => x.p.ParagraphProperties?.PageBreakBefore is not null).Select(x => x.i));
        Assert.Equal(Expected.CaptionPage, paragraphs.Take(25).Select(p => p.InnerText));
        Assert.Equal(Expected.TestimonyPage, paragraphs.Skip(25).Select(p => p.InnerText));

        var header = main.HeaderParts.Single().Header!;
        Assert.StartsWith("Groß v. Acme Corp., No. 24-cv-0113", header.InnerText, StringComparison.Ordinal);
        Assert.Equal(" PAGE ", header.Descendants<SimpleField>().Single().Instruction!.Value);
        Assert.Equal("Deposition of Renée Groß, March 3, 2026", main.FooterParts.Single().Footer!.InnerText);
        Assert.Equal("Groß v. Acme Corp., No. 24-cv-0113", document.PackageProperties.Title);

        var errors = new OpenXmlValidator().Validate(document, Renders.Token).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Pdf_text_read_back_has_the_same_numbered_lines_running_head_and_foot()
    {
        using var pdf = PdfDocument.Open(await Renders.RenderAsync(Renders.EveryType, RenditionFormat.Pdf));

        Assert.Equal(2, pdf.NumberOfPages);
        var first = Rows(pdf.GetPage(1));
        var second = Rows(pdf.GetPage(2));
        Assert.Equal([Expected.Header1, .. Expected.CaptionPage, Expected.Footer], first);
        Assert.Equal([Expected.Header2, .. Expected.TestimonyPage, Expected.Footer], second);
        Assert.Equal("Groß v. Acme Corp., No. 24-cv-0113", pdf.Information.Title);
    }

    [Fact]
    public async Task Pdf_draws_combining_marks_over_their_letter_as_the_text_has_them()
    {
        const string json = """
            { "monologues": [ { "monologue_type": "answer", "elements": [ { "type": "text", "value": "Rene\u0301e Nguye\u0302\u0303n q\u0307 ok\uFE0F." } ] } ] }
            """;
        var caption = new Dictionary<string, string>();
        var text = Encoding.UTF8.GetString(await Renders.RenderAsync(json, RenditionFormat.Text, caption: caption)).Split("\r\n")[2];

        using var pdf = PdfDocument.Open(await Renders.RenderAsync(json, RenditionFormat.Pdf, caption: caption));

        Assert.Equal(" 1        A.   Rene\u0301e Nguye\u0302\u0303n q\u0307 ok\uFE0F.", text);
        Assert.Equal(" 1        A.   Rene\u0301e Nguye\u0302\u0303n q\u0307 ok.", Rows(pdf.GetPage(1))[1]);
    }

    [Theory]
    [InlineData("txt")]
    [InlineData("docx")]
    [InlineData("pdf")]
    public async Task The_same_transcript_gives_the_same_bytes(string format)
    {
        var rendition = RenditionFormat.All.Single(f => f.Name == format);

        var first = await Renders.RenderAsync(Renders.EveryType, rendition);
        await Task.Delay(1100, Renders.Token); // a clock read anywhere would now differ by a second
        var second = await Renders.RenderAsync(Renders.EveryType, rendition);

        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(first)),
            Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(second)));
    }

    /// <summary>
    /// The page's text rebuilt on the renderer's column grid: letters grouped by baseline, top to bottom, each placed at
    /// the column its x position falls on.
    /// </summary>
    private static List<string> Rows(Page page) =>
        page.Letters
            .Where(l => !string.IsNullOrWhiteSpace(l.Value))
            .GroupBy(l => Math.Round(l.StartBaseLine.Y))
            .OrderByDescending(g => g.Key)
            .Select(g =>
            {
                var row = new StringBuilder();
                var column = 0;
                foreach (var letter in g.OrderBy(l => l.StartBaseLine.X))
                {
                    var at = (int)Math.Round((letter.StartBaseLine.X - PdfWriter.Left) / PdfWriter.Cell);
                    row.Append(' ', Math.Max(0, at - column)).Append(letter.Value);
                    column = Math.Max(column, at) + Columns.Of(letter.Value);
                }

                return row.ToString();
            })
            .ToList();
}
