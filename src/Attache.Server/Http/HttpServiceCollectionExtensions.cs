using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Attache.Server.Http;

internal static class HttpServiceCollectionExtensions
{
    /// <summary>Registers the download plumbing; a zero-copy <see cref="IBlobSender"/> registered first wins.</summary>
    public static IServiceCollection AddAttacheHttp(this IServiceCollection services, IConfiguration configuration)
    {
        // The limits the server set up (UseAttacheLimits); read here too for hosts of the download engine alone.
        services.TryAddSingleton(_ => ServerLimits.From(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StallGuard>();
        services.TryAddSingleton<IBlobSender, BlobSender>();
        if (AccelRedirect.From(configuration) is { } accel)
        {
            services.AddSingleton(accel);
        }

        return services;
    }
}
