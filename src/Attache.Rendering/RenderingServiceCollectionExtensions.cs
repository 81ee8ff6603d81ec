using Attache.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Attache.Rendering;

public sealed class RenderingOptions
{
    public const string SectionName = "Attache:Rendering";

    /// <summary>
    /// Font files for PDF renditions, in order of preference per character: by default Debian's DejaVu Sans Mono
    /// (fonts-dejavu-core) for Latin text and WenQuanYi Micro Hei (fonts-wqy-microhei) for CJK.
    /// </summary>
    public string[] Fonts { get; set; } =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    ];

    /// <summary>How many rendition requests the native API resolves at once; each may render, which costs CPU and memory.</summary>
    public int MaxConcurrent { get; set; } = 2;

    /// <summary>How many more wait for a turn; beyond them a request is answered 503 with Retry-After.</summary>
    public int MaxQueued { get; set; } = 16;
}

public static class RenderingServiceCollectionExtensions
{
    /// <summary>Registers the transcript renderer (the <see cref="IRenderer"/> port) with its fonts (Attache:Rendering).</summary>
    public static IServiceCollection AddAttacheRendering(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RenderingOptions>().Bind(configuration.GetSection(RenderingOptions.SectionName));
        services.AddSingleton(provider => new FontSet(provider.GetRequiredService<IOptions<RenderingOptions>>().Value.Fonts));
        services.AddSingleton<IRenderer, TranscriptRenderer>();
        services.AddHostedService<FontCheck>();
        services.AddOptions<ThumbnailOptions>().Bind(configuration.GetSection(ThumbnailOptions.SectionName));
        services.AddSingleton<IThumbnailer>(provider => new Thumbnailer(provider.GetRequiredService<IOptions<ThumbnailOptions>>().Value));
        return services;
    }
}
