using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Attache.Rendering;

/// <summary>
/// The layout as a Word document: one paragraph per numbered line at an exact 24 pt pitch in a 12 pt fixed-width font,
/// so that 25 lines fill a Letter page, each page after the first starting with a page break; the running head with
/// the page number and the foot in the header and footer parts. The package is written here rather than through
/// System.IO.Packaging, which stamps zip entries with the current time and relationships with random ids: every date
/// and id is fixed, so the same transcript gives the same bytes.
/// </summary>
internal static class DocxWriter
{
    public static readonly DateTime FixedTime = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private const string LineStyle = "TranscriptLine";
    private const string NumberStyle = "TranscriptLineNumber";
    private const string Font = "Courier New";
    private const string EastAsianFont = "SimSun";
    // 65 columns of a 12 pt fixed-width font take 9360 twips; the slack keeps a substitute font (0.602 em for DejaVu
    // Sans Mono against Courier New's 0.6) from wrapping a full line.
    private const int TextWidthTwips = 9720;

    public static async Task WriteAsync(TranscriptLayout layout, Stream destination, CancellationToken cancellationToken)
    {
        // ZipArchive needs to seek or buffers entries itself; a temporary file keeps memory flat for long transcripts.
        using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        Add(zip, "[Content_Types].xml", ContentTypes);
        Add(zip, "_rels/.rels", PackageRelationships);
        Add(zip, "docProps/core.xml", CoreProperties(layout.Caption));
        Add(zip, "word/_rels/document.xml.rels", DocumentRelationships);
        Add(zip, "word/styles.xml", Styles().OuterXml);
        Add(zip, "word/header1.xml", new Header(HeadParagraph(layout)).OuterXml);
        Add(zip, "word/footer1.xml", new Footer(FootParagraph(layout)).OuterXml);

        var entry = zip.CreateEntry("word/document.xml", CompressionLevel.Fastest);
        entry.LastWriteTime = FixedTime;
        await using (var stream = await entry.OpenAsync(cancellationToken))
        {
            using var writer = OpenXmlWriter.Create(stream);
            writer.WriteStartDocument(true);
            writer.WriteStartElement(new Document(), [], [
                new("w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
                new("r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
            ]);
            writer.WriteStartElement(new Body());
            foreach (var page in layout.Pages)
            {
                for (var i = 0; i < page.Lines.Count; i++)
                {
                    writer.WriteElement(LineParagraph(i + 1, page.Lines[i], pageBreak: page.Number > 1 && i == 0));
                }
            }

            writer.WriteElement(Section());
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.Close();
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static Paragraph LineParagraph(int number, string text, bool pageBreak)
    {
        var properties = new ParagraphProperties(new ParagraphStyleId { Val = LineStyle });
        if (pageBreak)
        {
            properties.Append(new PageBreakBefore());
        }

        var paragraph = new Paragraph(properties, new Run(new RunProperties(new RunStyle { Val = NumberStyle }), Preserved($"{number,2}")));
        if (text.Length > 0)
        {
            paragraph.Append(new Run(Preserved("   " + text)));
        }

        return paragraph;
    }

    private static Text Preserved(string text) => new(text) { Space = SpaceProcessingModeValues.Preserve };

    private static Paragraph HeadParagraph(TranscriptLayout layout)
    {
        var caseName = layout.Header(1);
        caseName = caseName[..caseName.LastIndexOf("Page ", StringComparison.Ordinal)].TrimEnd();
        return new Paragraph(
            new ParagraphProperties(
                new ParagraphStyleId { Val = LineStyle },
                new Tabs(new TabStop { Val = TabStopValues.Right, Position = TextWidthTwips })),
            new Run(Preserved(caseName)),
            new Run(new TabChar(), Preserved("Page ")),
            new SimpleField(new Run(new Text("1"))) { Instruction = " PAGE " });
    }

    private static Paragraph FootParagraph(TranscriptLayout layout) => new(
        new ParagraphProperties(new ParagraphStyleId { Val = LineStyle }, new Justification { Val = JustificationValues.Center }),
        new Run(Preserved(layout.Footer().Trim())));

    private static SectionProperties Section() => new(
        new HeaderReference { Type = HeaderFooterValues.Default, Id = "rId3" },
        new FooterReference { Type = HeaderFooterValues.Default, Id = "rId4" },
        new PageSize { Width = 12240, Height = 15840 },
        // 25 lines of 480 twips (12000) between a 1440 top and a 2200 bottom margin leave 200 twips to spare.
        new PageMargin { Top = 1440, Bottom = 2200, Left = 1440, Right = 12240 - 1440 - TextWidthTwips, Header = 720, Footer = 1080, Gutter = 0 });

    private static Styles Styles() => new(
        new DocDefaults(
            new RunPropertiesDefault(new RunPropertiesBaseStyle(
                new RunFonts { Ascii = Font, HighAnsi = Font, ComplexScript = Font, EastAsia = EastAsianFont },
                new FontSize { Val = "24" },
                new FontSizeComplexScript { Val = "24" })),
            new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(
                new SpacingBetweenLines { Before = "0", After = "0", Line = "480", LineRule = LineSpacingRuleValues.Exact }))),
        new Style(
            new StyleName { Val = "Normal" },
            new PrimaryStyle())
        { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true },
        new Style(
            new StyleName { Val = "Transcript Line" },
            new BasedOn { Val = "Normal" },
            new StyleParagraphProperties(
                new SnapToGrid { Val = false },
                new SpacingBetweenLines { Before = "0", After = "0", Line = "480", LineRule = LineSpacingRuleValues.Exact }))
        { Type = StyleValues.Paragraph, StyleId = LineStyle },
        new Style(
            new StyleName { Val = "Transcript Line Number" },
            new StyleRunProperties(new Color { Val = "555555" }))
        { Type = StyleValues.Character, StyleId = NumberStyle });

    private static void Add(ZipArchive zip, string name, string xml)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        entry.LastWriteTime = FixedTime;
        using var stream = entry.Open();
        var bytes = Encoding.UTF8.GetBytes(xml.StartsWith("<?xml", StringComparison.Ordinal) ? xml : XmlDeclaration + xml);
        stream.Write(bytes);
    }

    private const string XmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

    private const string ContentTypes = """
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
        <Default Extension="xml" ContentType="application/xml"/>
        <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
        <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
        <Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
        <Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
        <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
        </Types>
        """;

    private const string PackageRelationships = """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
        </Relationships>
        """;

    private const string DocumentRelationships = """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>
        <Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>
        </Relationships>
        """;

    private static string CoreProperties(Caption caption)
    {
        var title = System.Security.SecurityElement.Escape(caption.CaseName ?? "Transcript");
        return $"""
            <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
            <dc:title>{title}</dc:title>
            <dc:creator>Attache</dc:creator>
            <dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>
            <dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>
            </cp:coreProperties>
            """;
    }
}
