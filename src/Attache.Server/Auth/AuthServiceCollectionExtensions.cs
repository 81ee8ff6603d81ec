using Attache.Core.Principals;
using Microsoft.AspNetCore.Authentication;

namespace Attache.Server.Auth;

internal static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddAttacheAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var tokenOptions = configuration.GetSection(AccessTokenOptions.SectionName).Get<AccessTokenOptions>() ?? new AccessTokenOptions();
        if (tokenOptions.SigningKey is { Length: > 0 } configuredKey)
        {
            AccessTokens.Decode(configuredKey);
        }

        services.AddSingleton(tokenOptions);
        services.AddSingleton(new SessionSettings(
            configuration.GetValue("Attache:Sessions:Lifetime", SessionSettings.DefaultLifetime)));
        services.AddSingleton<AdminKey>();
        services.AddSingleton<AccessTokens>();
        services.AddHostedService<AuthBootstrap>();

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null)
            .AddScheme<AuthenticationSchemeOptions, AccessTokenAuthenticationHandler>(AuthSchemes.AccessToken, null)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(AuthSchemes.Session, null)
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(AuthSchemes.Basic, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthSchemes.NativePolicy, policy => policy
                .AddAuthenticationSchemes(AuthSchemes.ApiKey, AuthSchemes.AccessToken, AuthSchemes.Session)
                .RequireAuthenticatedUser());
        return services;
    }
}
