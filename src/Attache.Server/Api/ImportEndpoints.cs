using Attache.Server.Auth;
using Attache.Core;
using Attache.Core.Files;
using Attache.Core.Import;
using Attache.Core.Principals;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Attache.Server.Api;

/// <summary>
/// <c>POST /v1/import</c>: a manifest as <c>application/json</c>, or as the first part (named <c>manifest</c>) of a
/// streamed <c>multipart/form-data</c> body whose further parts carry the <c>path</c> contents, each named exactly as
/// the path is written in the manifest. Paths never reach the server's file system.
/// </summary>
internal static class ImportEndpoints
{
    public const string ManifestPart = "manifest";
    private const int CopyBufferSize = 81920;

    public static RouteHandlerBuilder MapImport(this RouteGroupBuilder api) => api.MapPost("/import", ImportAsync);

    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, HttpContext http, ImportService imports, CancellationToken cancellationToken)
    {
        var caller = http.Caller();
        if (imports.Authorize(caller) is { } denied)
        {
            return denied.ToProblem();
        }

        request.HttpContext.LiftBodyLimit();
        var options = new ImportOptions(GuessMediaType: name => UploadHeaders.MediaType(StringValues.Empty, name).Value ?? FileService.DefaultMediaType);
        var contentType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed : null;
        var mediaType = contentType?.MediaType.Value;

        if (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            var manifest = await ReadManifestAsync(request.Body, cancellationToken);
            if (!manifest.TryGetValue(out var json, out var failure))
            {
                return failure.ToProblem();
            }

            return ToResult(await imports.ImportAsync(caller, json, options, cancellationToken));
        }

        if (contentType is null || !string.Equals(mediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return new Failure.Invalid(
                "Send the manifest as application/json, or as multipart/form-data with the manifest first and one part per path content.",
                "Content-Type").ToProblem();
        }

        var boundary = NativeUploads.Boundary(contentType);
        if (!boundary.TryGetValue(out var boundaryValue, out var invalid))
        {
            return invalid.ToProblem();
        }

        try
        {
            var reader = NativeUploads.Reader(boundaryValue, request.Body);
            return await ImportMultipartAsync(reader, caller, imports, options, cancellationToken);
        }
        catch (ClientBodyException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return NativeUploads.Unreadable(exception);
        }
    }

    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> ImportMultipartAsync(
        MultipartReader reader, Caller caller, ImportService imports, ImportOptions options, CancellationToken cancellationToken)
    {
        var first = await reader.NextSectionAsync(cancellationToken);
        if (first is null || FormName(first) != ManifestPart)
        {
            return new Failure.Invalid($"The first part must be the manifest, named '{ManifestPart}'.", ManifestPart).ToProblem();
        }

        var manifest = await ReadManifestAsync(new ClientBodyStream(first.Body), cancellationToken);
        if (!manifest.TryGetValue(out var json, out var failure))
        {
            return failure.ToProblem();
        }

        var begun = await imports.BeginAsync(caller, json, options with { AllowPathContent = true }, cancellationToken);
        if (!begun.TryGetValue(out var session, out failure))
        {
            return failure.ToProblem();
        }

        await using (session)
        {
            while (await reader.NextSectionAsync(cancellationToken) is { } section)
            {
                if (await session.AddPathContentAsync(FormName(section) ?? "", new ClientBodyStream(section.Body), cancellationToken) is { } stageFailure)
                {
                    return stageFailure.ToProblem();
                }
            }

            return ToResult(await session.CompleteAsync(cancellationToken));
        }
    }

    private static Results<Ok<ImportReport>, ProblemHttpResult> ToResult(Outcome<ImportReport> outcome) =>
        outcome.TryGetValue(out var report, out var failure) ? TypedResults.Ok(report) : failure.ToProblem();

    private static string? FormName(MultipartSection section) =>
        UploadHeaders.TryParseDisposition(section.ContentDisposition, out var disposition)
            ? HeaderUtilities.UnescapeAsQuotedString(disposition.Name).Value
            : null;

    /// <summary>The manifest has to be whole for <see cref="System.Text.Json.JsonDocument"/>; it is read up to its limit, no further.</summary>
    private static async Task<Outcome<ReadOnlyMemory<byte>>> ReadManifestAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[CopyBufferSize];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > ImportService.MaxManifestBytes)
            {
                return new Failure.TooLarge(
                    $"The manifest is larger than the limit of {ImportService.MaxManifestBytes} bytes; send big contents as path parts.",
                    ImportService.MaxManifestBytes);
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        return new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
