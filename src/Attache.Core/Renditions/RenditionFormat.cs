namespace Attache.Core.Renditions;

/// <summary>A derived representation a transcript can be rendered to.</summary>
public sealed record RenditionFormat(string Name, string MediaType, string Extension)
{
    public static readonly RenditionFormat Text = new("txt", "text/plain", ".txt");

    public static readonly RenditionFormat Docx = new("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx");

    public static readonly RenditionFormat Pdf = new("pdf", "application/pdf", ".pdf");

    public static readonly IReadOnlyList<RenditionFormat> All = [Text, Docx, Pdf];
}

/// <summary>The character sets a plain-text rendition can be encoded in (Rev's legal list); UTF-8 is the default.</summary>
public static class TranscriptCharsets
{
    public const string Utf8 = "utf-8";
    public const string Utf16 = "utf-16";
    public const string Latin1 = "iso-8859-1";
    public const string Windows1252 = "windows-1252";
    public const string Ascii = "us-ascii";

    public static readonly IReadOnlyList<string> All = [Utf8, Utf16, Latin1, Windows1252, Ascii];

    /// <summary>The canonical name of a supported charset (with the usual aliases), or null.</summary>
    public static string? Normalize(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => Utf8,
        "utf-16" or "utf16" => Utf16,
        "iso-8859-1" or "latin1" or "iso_8859-1" or "l1" => Latin1,
        "windows-1252" or "cp1252" => Windows1252,
        "us-ascii" or "ascii" => Ascii,
        _ => null,
    };
}

/// <summary>What makes a file a transcript, and the document properties its legal caption is taken from.</summary>
public static class Transcripts
{
    /// <summary>The Rev transcript JSON media type (seed 002).</summary>
    public const string MediaType = "application/json+rev-transcript";

    public const string DocumentKind = "transcript";

    /// <summary>Document property with the case name, e.g. <c>Smith v. Jones, No. 24-cv-0113</c>.</summary>
    public const string CaseNameProperty = "caseName";

    /// <summary>Document property with the witness's name.</summary>
    public const string WitnessProperty = "witness";

    /// <summary>Document property with the date of the proceeding, as it should be printed.</summary>
    public const string DateProperty = "proceedingDate";

    /// <summary>Optional document property with the court's name.</summary>
    public const string CourtProperty = "court";

    public static readonly IReadOnlyList<string> CaptionProperties = [CourtProperty, CaseNameProperty, WitnessProperty, DateProperty];
}
