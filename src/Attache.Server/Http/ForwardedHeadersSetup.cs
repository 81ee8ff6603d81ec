using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Attache.Server.Http;

/// <summary>
/// Behind a reverse proxy, the scheme, host and path base that absolute URLs are built from come from
/// <c>X-Forwarded-Proto</c>, <c>X-Forwarded-Host</c> and <c>X-Forwarded-Prefix</c> (and the client address from
/// <c>X-Forwarded-For</c>) — but only when <c>Attache:ForwardedHeaders:Enabled</c> is true, and only from the proxies
/// listed. Off by default, so that a client talking to the server directly cannot choose the host of the URLs it is given.
/// </summary>
internal static class ForwardedHeadersSetup
{
    public const string SectionName = "Attache:ForwardedHeaders";

    public static IServiceCollection AddAttacheForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        var parsedProxies = proxies.Select(p => IPAddress.TryParse(p, out var address)
            ? address
            : throw new InvalidOperationException($"{SectionName}:KnownProxies holds '{p}', which is not an IP address.")).ToList();
        var parsedNetworks = networks.Select(n => System.Net.IPNetwork.TryParse(n, out var network)
            ? network
            : throw new InvalidOperationException($"{SectionName}:KnownNetworks holds '{n}', which is not a network such as 10.0.0.0/8.")).ToList();
        var forwardLimit = section.GetValue("ForwardLimit", 1);
        if (forwardLimit < 1)
        {
            throw new InvalidOperationException($"{SectionName}:ForwardLimit must be at least 1.");
        }

        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                | ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedPrefix;
            options.ForwardLimit = forwardLimit;
            // Without a list, only a proxy on the loopback interface is believed (the framework's default).
            if (parsedProxies.Count > 0 || parsedNetworks.Count > 0)
            {
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
            }

            foreach (var proxy in parsedProxies)
            {
                options.KnownProxies.Add(proxy);
            }

            foreach (var network in parsedNetworks)
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        return services;
    }

    /// <summary>Applies the forwarded headers when switched on; first in the pipeline, so everything after sees the client's view.</summary>
    public static IApplicationBuilder UseAttacheForwardedHeaders(this WebApplication app)
    {
        if (app.Configuration.GetSection(SectionName).GetValue("Enabled", false))
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
