using Attache.Core.Audit;
using Attache.Core.Dictations;
using Attache.Core.Cluster;
using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Editing;
using Attache.Core.Files;
using Attache.Core.Import;
using Attache.Core.Principals;
using Attache.Core.Links;
using Attache.Core.Ports;
using Attache.Core.Messages;
using Attache.Core.Renditions;
using Attache.Core.Thumbnails;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Attache.Core;

public static class CoreServiceCollectionExtensions
{
    public static IServiceCollection AddAttacheCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UploadLimits>();
        services.TryAddSingleton<AuditOptions>();
        services.TryAddSingleton<LinkLifetimes>();
        services.AddSingleton<AuditWriter>();
        services.AddSingleton<IAuditLog>(provider => provider.GetRequiredService<AuditWriter>());
        services.AddHostedService(provider => provider.GetRequiredService<AuditWriter>());
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<AuditService>();
        services.TryAddSingleton<IClusterLocks, ProcessLocks>();
        services.AddSingleton<BlobJanitor>();
        services.AddSingleton<DocumentService>();
        services.AddSingleton<FileService>();
        services.AddSingleton<DownloadService>();
        services.AddSingleton<AttributeFileService>();
        services.AddSingleton<PrimaryFiles>();
        services.AddSingleton<DictationService>();
        services.AddSingleton<ImportService>();
        services.TryAddSingleton<SessionSettings>();
        services.AddSingleton<Credentials>();
        services.AddSingleton<GuessThrottle>();
        services.AddSingleton<PrincipalService>();
        services.AddSingleton<ClientUsers>();
        services.AddSingleton<LinkService>();
        services.AddSingleton<RenditionService>();
        services.AddSingleton<EditorSessionService>();
        services.AddSingleton<ThumbnailService>();
        services.AddSingleton<ThumbnailWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<ThumbnailWorker>());
        services.AddSingleton<MessageAttachments>();
        return services;
    }
}
