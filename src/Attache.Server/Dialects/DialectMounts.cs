namespace Attache.Server.Dialects;

/// <summary>
/// How a dialect words the failures that happen outside its endpoints' own code: an unhandled exception (500), a body
/// or header Kestrel refused (400, 413, …), and a path under its base that matches no route, or a wrong method (404, 405).
/// </summary>
internal interface IDialectErrors
{
    /// <summary>Writes <paramref name="status"/> in the dialect's envelope; the exception is null when none is behind it.</summary>
    Task WriteAsync(HttpContext http, int status, Exception? exception);
}

/// <summary>Where each switched-on dialect is mounted, so that errors under its path base are written in its own envelope.</summary>
internal sealed class DialectMounts
{
    private readonly List<(PathString PathBase, IDialectErrors Errors)> mounts = [];

    public void Add(PathString pathBase, IDialectErrors errors)
    {
        lock (mounts)
        {
            mounts.Add((pathBase, errors));
        }
    }

    /// <summary>The dialect whose path base holds <paramref name="path"/>, or null for the native API and the rest.</summary>
    public IDialectErrors? For(PathString path)
    {
        lock (mounts)
        {
            foreach (var (pathBase, errors) in mounts)
            {
                if (path.StartsWithSegments(pathBase, StringComparison.OrdinalIgnoreCase))
                {
                    return errors;
                }
            }
        }

        return null;
    }
}

internal static class DialectRouting
{
    /// <summary>
    /// Mounts a dialect at <c>Attache:Dialects:{name}:PathBase</c> (default <paramref name="defaultPathBase"/>) unless
    /// <c>Attache:Dialects:{name}:Enabled</c> is false, in which case it returns null and nothing is mapped.
    /// </summary>
    public static RouteGroupBuilder? MapDialect(this WebApplication app, string name, string defaultPathBase, IDialectErrors errors)
    {
        var section = app.Configuration.GetSection($"Attache:Dialects:{name}");
        if (!section.GetValue("Enabled", true))
        {
            return null;
        }

        var pathBase = section["PathBase"] ?? defaultPathBase;
        if (!pathBase.StartsWith('/') || pathBase.Length < 2 || pathBase.EndsWith('/'))
        {
            throw new InvalidOperationException($"Attache:Dialects:{name}:PathBase must start with '/', not end with one, and name a path; it is '{pathBase}'.");
        }

        app.Services.GetRequiredService<DialectMounts>().Add(pathBase, errors);
        return app.MapGroup(pathBase).WithTags(name);
    }

    /// <summary>Status pages: under a dialect's path base, the dialect's envelope; elsewhere an RFC 9457 problem.</summary>
    public static IApplicationBuilder UseDialectStatusPages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var dialect = http.RequestServices.GetRequiredService<DialectMounts>().For(http.Request.Path);
            if (dialect is not null)
            {
                await dialect.WriteAsync(http, http.Response.StatusCode, null);
                return;
            }

            await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext { HttpContext = http });
        });
}
