using Microsoft.AspNetCore.Http.Features;

namespace Attache.Server.Api;

internal static class RequestLimits
{
    /// <summary>Bodies other than uploads are small JSON documents; only upload endpoints lift the limit.</summary>
    public const long DefaultMaxBodyBytes = 8 * 1024 * 1024;

    /// <summary>
    /// Uploads and imports count their own bytes: each file is held to the upload limit (and a manifest to its own)
    /// as it is read, and answered with a clean 413 that leaves the file's current version alone. Kestrel's limit is
    /// lifted for them so that it never cuts a body off underneath that count, at a moment that depends on framing.
    /// </summary>
    public static void LiftBodyLimit(this HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = null;
        }
    }
}
