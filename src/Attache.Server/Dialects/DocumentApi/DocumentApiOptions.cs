using Attache.Core.Links;
using Attache.Server.Auth;

namespace Attache.Server.Dialects.DocumentApi;

/// <summary>The <c>Attache:Dialects:DocumentApi</c> settings besides <c>PathBase</c> and <c>Enabled</c>.</summary>
internal sealed class DocumentApiOptions
{
    public const string Name = "DocumentApi";
    public const string DefaultPathBase = "/docapi";
    public const string SectionName = "Attache:Dialects:" + Name;

    /// <summary>How long a token from <c>generate-client-auth-token</c> is accepted.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The audience of this dialect's tokens; it differs from the native one, so neither kind passes for the other.</summary>
    public string TokenAudience { get; set; } = "attache-docapi";

    /// <summary>How long a presigned download URL works (the product says one hour).</summary>
    public TimeSpan DownloadUrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Reads and checks the settings, so that a wrong one stops the server at start with a message naming it.</summary>
    public static DocumentApiOptions Read(IConfiguration configuration, AccessTokenOptions nativeTokens, LinkLifetimes links)
    {
        var options = configuration.GetSection(SectionName).Get<DocumentApiOptions>() ?? new DocumentApiOptions();
        if (options.TokenLifetime < TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException($"{SectionName}:TokenLifetime must be at least one second; it is {options.TokenLifetime}.");
        }

        if (string.IsNullOrWhiteSpace(options.TokenAudience) || options.TokenAudience == nativeTokens.Audience)
        {
            throw new InvalidOperationException(
                $"{SectionName}:TokenAudience must be set and differ from Attache:Tokens:Audience ('{nativeTokens.Audience}').");
        }

        // The product's hour gives way to a shorter Attache:Links:MaxTtl; a lifetime set on purpose beyond it is an error.
        var explicitLifetime = configuration.GetSection(SectionName)[nameof(DownloadUrlLifetime)] is not null;
        if (options.DownloadUrlLifetime < TimeSpan.FromSeconds(1) || (explicitLifetime && options.DownloadUrlLifetime > links.MaxTtl))
        {
            throw new InvalidOperationException(
                $"{SectionName}:DownloadUrlLifetime must be from one second to Attache:Links:MaxTtl ({links.MaxTtl}); it is {options.DownloadUrlLifetime}.");
        }

        if (options.DownloadUrlLifetime > links.MaxTtl)
        {
            options.DownloadUrlLifetime = links.MaxTtl;
        }

        return options;
    }
}
