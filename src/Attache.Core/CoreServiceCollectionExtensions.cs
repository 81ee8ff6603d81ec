using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Files;
using Attache.Core.Import;
using Attache.Core.Renditions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Attache.Core;

public static class CoreServiceCollectionExtensions
{
    public static IServiceCollection AddAttacheCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UploadLimits>();
        services.AddSingleton<BlobJanitor>();
        services.AddSingleton<DocumentService>();
        services.AddSingleton<FileService>();
        services.AddSingleton<DownloadService>();
        services.AddSingleton<ImportService>();
        services.AddSingleton<RenditionService>();
        return services;
    }
}
