using Attache.Core.Files;
using Microsoft.AspNetCore.Http.Features;

namespace Attache.Server.Api;

internal static class RequestLimits
{
    /// <summary>Bodies other than uploads are small JSON documents; only upload endpoints raise the limit.</summary>
    public const long DefaultMaxBodyBytes = 8 * 1024 * 1024;

    /// <summary>
    /// Lets a raw upload's body grow one byte past the upload limit, so that the upload itself counts the byte too
    /// many and refuses it as too large, rather than the connection failing underneath it.
    /// </summary>
    public static void AllowUpload(this HttpContext context, UploadLimits limits) =>
        SetLimit(context, limits.MaxBytes + 1);

    /// <summary>
    /// A multipart body carries several files, each held to the upload limit as it is read (and a manifest to its own
    /// limit), so the body as a whole has none.
    /// </summary>
    public static void AllowParts(this HttpContext context) => SetLimit(context, null);

    private static void SetLimit(HttpContext context, long? limit)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
    }
}
