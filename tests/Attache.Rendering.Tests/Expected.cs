using Attache.Core.Renditions;

namespace Attache.Rendering.Tests;

/// <summary>What every-type.json with <see cref="Renders.Caption"/> must come out as, line by line, in every format.</summary>
internal static class Expected
{
    public const string Header1 = "Groß v. Acme Corp., No. 24-cv-0113                         Page 1";
    public const string Header2 = "Groß v. Acme Corp., No. 24-cv-0113                         Page 2";
    public const string Footer = "             Deposition of Renée Groß, March 3, 2026";

    /// <summary>Page 1: the caption.</summary>
    public static readonly string[] CaptionPage = Pad(
    [
        " 1",
        " 2            SUPERIOR COURT OF THE STATE OF CALIFORNIA",
        " 3",
        " 4                Groß v. Acme Corp., No. 24-cv-0113",
        " 5",
        " 6                     DEPOSITION OF RENÉE GROß",
        " 7                          March 3, 2026",
    ]);

    /// <summary>Page 2: every monologue type, a tag, an unknown type, and CJK text wrapped on the column grid.</summary>
    public static readonly string[] TestimonyPage = Pad(
    [
        " 1             (Witness sworn.)",
        " 2                           EXAMINATION",
        " 3        BY MR. SMITH:",
        " 4        Q.   Please state your full name and the city where you",
        " 5   live for the record.",
        " 6        A.   Renée Groß, from Zürich; my family name in 中文 is",
        " 7   格罗斯.",
        " 8             MR. SMITH:  Let's have this marked as Exhibit 1.",
        " 9             (Exhibit 1 was marked for identification.)",
        "10        Q.   Did you sign it [inaudible]?",
        "11        A.   Yes, I [crosstalk] signed it on the first page and",
        "12   on the last page of the agreement, both copies.",
        "13             (Recess taken.)",
        "14             MR. SMITH:  Back on the record.",
        "15             (Whereupon, the deposition concluded at 4:15 p.m.)",
    ]);

    public static string[] Pad(string[] rows) =>
        [.. rows, .. Enumerable.Range(rows.Length + 1, TranscriptLayout.LinesPerPage - rows.Length).Select(n => $"{n,2}")];

    public static string Text(string[] page1, string[] page2, string header1 = Header1, string header2 = Header2, string footer = Footer) =>
        header1 + "\r\n\r\n" + string.Join("", page1.Select(r => r + "\r\n")) + "\r\n" + footer + "\r\n"
        + "\f" + header2 + "\r\n\r\n" + string.Join("", page2.Select(r => r + "\r\n")) + "\r\n" + footer + "\r\n";

    public static RenditionFormat[] Formats => [RenditionFormat.Text, RenditionFormat.Docx, RenditionFormat.Pdf];
}
