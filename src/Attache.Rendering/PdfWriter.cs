using System.Globalization;
using System.Text;
using SkiaSharp;

namespace Attache.Rendering;

/// <summary>
/// The layout as a PDF (Skia's PDF backend, fonts subset and embedded): Letter pages with the running head, a ruled
/// margin, 25 lines at a 24 pt pitch with their numbers, and the foot. Every glyph sits on the column grid, so the
/// text lines up as in the plain-text rendition whatever font a character comes from. The metadata has no dates (Skia
/// writes any date with an offset taken from the process's time zone) and Skia writes no document id outside PDF/A,
/// so the same transcript gives the same bytes.
/// </summary>
internal static class PdfWriter
{
    private const float PageWidth = 612;
    private const float PageHeight = 792;
    private const float FontSize = 12;

    /// <summary>One grid column: the advance of a 12 pt Courier-like font.</summary>
    public const float Cell = 7.2f;

    /// <summary>Where column 0 of a row (the line number) starts: the row is centred on the page.</summary>
    public const float Left = (PageWidth - (TranscriptLayout.RowWidth * Cell)) / 2;

    public const float FirstBaseline = 120;
    public const float Pitch = 24;
    public const float HeaderBaseline = 72;
    public const float FooterBaseline = 736;

    public static void Write(TranscriptLayout layout, FontSet fonts, Stream destination, CancellationToken cancellationToken)
    {
        var metadata = new SKDocumentPdfMetadata
        {
            Title = layout.Caption.CaseName ?? "Transcript",
            Subject = layout.Caption.Witness is { } witness ? $"Deposition of {witness}" : "Transcript",
            Creator = "Attache",
            Producer = "Attache",
        };

        var skFonts = fonts.Typefaces.Select(typeface => new SKFont(typeface, FontSize) { Subpixel = true, Hinting = SKFontHinting.None }).ToList();
        try
        {
            using var document = SKDocument.CreatePdf(destination, metadata);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var rule = new SKPaint { Color = SKColors.Black, StrokeWidth = 0.6f, Style = SKPaintStyle.Stroke };
            var footer = layout.Footer();
            foreach (var page in layout.Pages)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var canvas = document.BeginPage(PageWidth, PageHeight);
                DrawRow(canvas, layout.Header(page.Number), HeaderBaseline, fonts, skFonts, ink);

                var top = FirstBaseline - Pitch + 6;
                var bottom = FirstBaseline + ((TranscriptLayout.LinesPerPage - 1) * Pitch) + 10;
                var margin = Left + ((TranscriptLayout.Gutter - 1.5f) * Cell);
                canvas.DrawLine(margin - 1.5f, top, margin - 1.5f, bottom, rule);
                canvas.DrawLine(margin + 1.5f, top, margin + 1.5f, bottom, rule);
                var right = Left + (TranscriptLayout.RowWidth * Cell) + 9;
                canvas.DrawLine(right, top, right, bottom, rule);

                for (var i = 0; i < page.Lines.Count; i++)
                {
                    DrawRow(canvas, TranscriptLayout.Row(i + 1, page.Lines[i]), FirstBaseline + (i * Pitch), fonts, skFonts, ink);
                }

                DrawRow(canvas, footer, FooterBaseline, fonts, skFonts, ink);
                document.EndPage();
            }

            document.Close();
        }
        finally
        {
            foreach (var font in skFonts)
            {
                font.Dispose();
            }
        }
    }

    /// <summary>
    /// Draws a row with each glyph at its grid column; spaces draw nothing, wide characters are centred on two columns,
    /// combining marks sit on the character before them.
    /// </summary>
    private static void DrawRow(SKCanvas canvas, string row, float baseline, FontSet fonts, List<SKFont> skFonts, SKPaint ink)
    {
        var glyphs = new List<(int Font, ushort Glyph, float X)>(row.Length);
        var column = 0;
        foreach (var rune in row.EnumerateRunes())
        {
            var width = Columns.Of(rune);
            if (width == 0)
            {
                // A combining mark goes over the character before it, by its own advance (a full cell in a fixed-width
                // font, none in others); one no font has (a variation selector) is left out.
                if (glyphs.Count > 0 && Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
                    && fonts.Glyph(rune) is { Glyph: not 0 } mark)
                {
                    var x = Left + (column * Cell) - skFonts[mark.Font].GetGlyphWidths([mark.Glyph])[0];
                    glyphs.Add((mark.Font, mark.Glyph, Math.Max(x, glyphs[^1].X)));
                }

                continue;
            }

            if (!Rune.IsWhiteSpace(rune))
            {
                var (font, glyph) = fonts.Glyph(rune);
                var x = Left + (column * Cell);
                if (width == 2)
                {
                    x += ((2 * Cell) - skFonts[font].GetGlyphWidths([glyph])[0]) / 2;
                }

                glyphs.Add((font, glyph, x));
            }

            column += width;
        }

        if (glyphs.Count == 0)
        {
            return;
        }

        using var builder = new SKTextBlobBuilder();
        var start = 0;
        while (start < glyphs.Count)
        {
            var end = start;
            while (end < glyphs.Count && glyphs[end].Font == glyphs[start].Font)
            {
                end++;
            }

            var run = builder.AllocateHorizontalRun(skFonts[glyphs[start].Font], end - start, baseline);
            var ids = run.Glyphs;
            var xs = run.Positions;
            for (var i = start; i < end; i++)
            {
                ids[i - start] = glyphs[i].Glyph;
                xs[i - start] = glyphs[i].X;
            }

            start = end;
        }

        using var blob = builder.Build();
        canvas.DrawText(blob, 0, 0, ink);
    }
}
