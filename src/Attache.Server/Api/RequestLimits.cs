using Attache.Core.Files;
using Microsoft.AspNetCore.Http.Features;

namespace Attache.Server.Api;

internal static class RequestLimits
{
    /// <summary>Bodies other than uploads are small JSON documents; only upload endpoints raise the limit.</summary>
    public const long DefaultMaxBodyBytes = 8 * 1024 * 1024;

    /// <summary>Lets this request's body grow to the configured upload limit.</summary>
    public static void AllowUpload(this HttpContext context, UploadLimits limits)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limits.MaxBytes;
        }
    }
}
