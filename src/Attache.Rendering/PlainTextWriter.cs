using System.Text;

namespace Attache.Rendering;

/// <summary>
/// The layout as plain text: per page the running head, 25 numbered lines and the foot, CRLF line ends (what legal
/// software on Windows reads), a form feed between pages.
/// </summary>
internal static class PlainTextWriter
{
    public static async Task WriteAsync(TranscriptLayout layout, string charset, Stream destination, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var page in layout.Pages)
        {
            if (page.Number > 1)
            {
                text.Append('\f');
            }

            text.Append(layout.Header(page.Number)).Append("\r\n\r\n");
            for (var i = 0; i < page.Lines.Count; i++)
            {
                text.Append(TranscriptLayout.Row(i + 1, page.Lines[i])).Append("\r\n");
            }

            text.Append("\r\n").Append(layout.Footer().TrimEnd()).Append("\r\n");
        }

        await destination.WriteAsync(TextFolding.Encode(text.ToString(), charset), cancellationToken);
    }
}
