using Attache.Core;
using Attache.Core.Ports;
using Attache.Core.Renditions;

namespace Attache.Rendering;

/// <summary>Renders Rev transcript JSON to plain text, DOCX and PDF in one legal layout.</summary>
public sealed class TranscriptRenderer(FontSet fonts) : IRenderer
{
    /// <summary>The layout's revision and the fonts PDFs are drawn with: installing a missing font renders PDFs again.</summary>
    public string Revision { get; } = $"legal-3 fonts {fonts.Fingerprint}";

    public async Task<Failure?> RenderAsync(Stream source, RenderRequest request, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var read = await TranscriptReader.ReadAsync(source, cancellationToken);
        if (!read.TryGetValue(out var transcript, out var failure))
        {
            return failure;
        }

        var charset = request.Format == RenditionFormat.Text
            ? TranscriptCharsets.Normalize(request.Charset) ?? TranscriptCharsets.Utf8
            : TranscriptCharsets.Utf8;
        var layout = TranscriptLayout.Create(transcript, Caption.From(request.Properties, charset), charset);
        switch (request.Format.Name)
        {
            case "txt":
                await PlainTextWriter.WriteAsync(layout, charset, destination, cancellationToken);
                return null;
            case "docx":
                await DocxWriter.WriteAsync(layout, destination, cancellationToken);
                return null;
            case "pdf":
                PdfWriter.Write(layout, fonts, destination, cancellationToken);
                return null;
            default:
                return new Failure.Invalid($"Transcripts render to txt, docx or pdf, not '{request.Format.Name}'.", "format");
        }
    }
}
