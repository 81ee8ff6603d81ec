using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Attache.Rendering;

/// <summary>Loads the PDF fonts at start and warns about each file that is not there, before a PDF request finds out.</summary>
internal sealed class FontCheck(FontSet fonts, ILogger<FontCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var missing in fonts.Paths.Except(fonts.Loaded, StringComparer.Ordinal))
        {
            logger.LogWarning(
                "The font {FontFile} (Attache:Rendering:Fonts) could not be loaded: PDF renditions draw its characters with the "
                + "other fonts, or fail when none is left. On Debian, `apt-get install fonts-dejavu-core fonts-wqy-microhei` "
                + "installs the defaults.", missing);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
