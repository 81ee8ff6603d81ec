using Attache.Core.Audit;
using Attache.Core.Links;
using Attache.Core.Ports;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Attache.Server.Links;

internal static class LinksServiceCollectionExtensions
{
    /// <summary>
    /// Presigned links (<c>Attache:Links</c>) and the audit writer's limits (<c>Attache:Audit</c>). Call after
    /// AddAttacheStorage: the link keys are read from the secret store once its schema exists. Broken settings fail here.
    /// </summary>
    public static IServiceCollection AddAttacheLinksAndAudit(this IServiceCollection services, IConfiguration configuration)
    {
        LinkKeys.FromConfiguration(configuration);
        services.Replace(ServiceDescriptor.Singleton(ReadLinkOptions(configuration)));
        services.Replace(ServiceDescriptor.Singleton(ReadAuditOptions(configuration)));
        services.AddSingleton<LinkKeys>();
        services.AddHostedService(provider => provider.GetRequiredService<LinkKeys>());
        services.AddSingleton<ILinkSigner>(provider => new HmacLinkSigner(provider.GetRequiredService<LinkKeys>().Ring));
        return services;
    }

    private static LinkLifetimes ReadLinkOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection("Attache:Links").Get<LinkLifetimes>() ?? new LinkLifetimes();
        if (options.DefaultTtl < TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException($"Attache:Links:DefaultTtl must be at least one second; it is {options.DefaultTtl}.");
        }

        if (options.MaxTtl < options.DefaultTtl)
        {
            throw new InvalidOperationException(
                $"Attache:Links:MaxTtl ({options.MaxTtl}) must be at least Attache:Links:DefaultTtl ({options.DefaultTtl}).");
        }

        return options;
    }

    private static AuditOptions ReadAuditOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection("Attache:Audit").Get<AuditOptions>() ?? new AuditOptions();
        if (options.QueueCapacity < 1 || options.BatchSize < 1 || options.FlushDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                "Attache:Audit:QueueCapacity and Attache:Audit:BatchSize must be at least 1, and Attache:Audit:FlushDelay not negative.");
        }

        return options;
    }
}
