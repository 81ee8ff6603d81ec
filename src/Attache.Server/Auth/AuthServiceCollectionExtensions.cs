using Microsoft.AspNetCore.Authentication;

namespace Attache.Server.Auth;

internal static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddAttacheAuth(this IServiceCollection services)
    {
        services.AddSingleton(provider =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            var dataPath = Path.GetFullPath(configuration["Attache:DataPath"] ?? "./data");
            return AdminKey.Load(configuration, dataPath, provider.GetRequiredService<ILogger<AdminKey>>());
        });
        services.AddHostedService<AdminKeyAnnouncer>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        return services;
    }
}
