using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Attache.Server.Http;

internal static class HttpServiceCollectionExtensions
{
    /// <summary>Registers the download plumbing; a zero-copy <see cref="IBlobSender"/> registered first wins.</summary>
    public static IServiceCollection AddAttacheHttp(this IServiceCollection services)
    {
        services.TryAddSingleton<IBlobSender, BlobSender>();
        return services;
    }
}
