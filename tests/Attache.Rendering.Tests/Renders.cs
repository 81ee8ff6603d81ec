using System.Text;
using Attache.Core.Ports;
using Attache.Core.Renditions;

namespace Attache.Rendering.Tests;

/// <summary>Renders transcripts with the real renderer and the default fonts.</summary>
internal static class Renders
{
    public static readonly FontSet Fonts = new(new RenderingOptions().Fonts);

    public static readonly TranscriptRenderer Renderer = new(Fonts);

    public static readonly IReadOnlyDictionary<string, string> Caption = new Dictionary<string, string>
    {
        [Transcripts.CourtProperty] = "Superior Court of the State of California",
        [Transcripts.CaseNameProperty] = "Groß v. Acme Corp., No. 24-cv-0113",
        [Transcripts.WitnessProperty] = "Renée Groß",
        [Transcripts.DateProperty] = "March 3, 2026",
    };

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static string EveryType => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Transcripts", "every-type.json"));

    public static async Task<byte[]> RenderAsync(
        string json, RenditionFormat format, string charset = TranscriptCharsets.Utf8, IReadOnlyDictionary<string, string>? caption = null)
    {
        using var source = new MemoryStream(Encoding.UTF8.GetBytes(json));
        using var output = new MemoryStream();
        var failure = await Renderer.RenderAsync(source, new RenderRequest(format, charset, caption ?? Caption), output, Token);
        Assert.Null(failure);
        return output.ToArray();
    }
}
