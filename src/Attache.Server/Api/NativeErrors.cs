using Attache.Core;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Api;

/// <summary>The native API's one mapping from core failures to RFC 9457 problem details.</summary>
internal static class NativeErrors
{
    public static ProblemHttpResult ToProblem(this Failure failure)
    {
        var (status, title) = failure switch
        {
            Failure.NotFound => (StatusCodes.Status404NotFound, "Not found"),
            Failure.Forbidden => (StatusCodes.Status403Forbidden, "Forbidden"),
            Failure.NotReady => (StatusCodes.Status409Conflict, "Not ready"),
            Failure.Invalid => (StatusCodes.Status400BadRequest, "Invalid request"),
            Failure.InvalidManifest => (StatusCodes.Status400BadRequest, "Invalid manifest"),
            Failure.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
            Failure.Gone => (StatusCodes.Status410Gone, "Gone"),
            Failure.TooLarge => (StatusCodes.Status413PayloadTooLarge, "Too large"),
            Failure.ChecksumMismatch => (StatusCodes.Status422UnprocessableEntity, "Checksum mismatch"),
            _ => throw new InvalidOperationException($"Unmapped failure {failure.GetType().Name}"),
        };

        var extensions = failure switch
        {
            Failure.Invalid invalid => new Dictionary<string, object?> { ["field"] = invalid.Field },
            Failure.InvalidManifest manifest => new Dictionary<string, object?>
            {
                ["errors"] = manifest.Errors.Select(e => new ManifestErrorModel(e.Path, e.Message)).ToList(),
            },
            Failure.NotReady notReady => new Dictionary<string, object?> { ["state"] = notReady.State.ToString() },
            Failure.TooLarge tooLarge => new Dictionary<string, object?> { ["limitBytes"] = tooLarge.LimitBytes },
            Failure.ChecksumMismatch mismatch => new Dictionary<string, object?>
            {
                ["algorithm"] = mismatch.Algorithm,
                ["declared"] = mismatch.Declared,
                ["computed"] = mismatch.Computed,
            },
            _ => null,
        };

        return TypedResults.Problem(failure.Message, statusCode: status, title: title, extensions: extensions);
    }
}

internal sealed record ManifestErrorModel(string Path, string Message);
