using Attache.Server.Auth;
using Attache.Core;
using Attache.Core.Files;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Attache.Server.Api;

/// <summary>Uploads through the native API: a raw body into one slot, or a streamed multipart form of one or more files.</summary>
internal static class NativeUploads
{
    private const int MaxBoundaryLength = 128;
    internal const int MaxPartHeadersBytes = 8 * 1024;
    internal const int MaxPartHeaderCount = 16;

    public static async Task<Results<Created<FileModel>, ProblemHttpResult>> UploadRawAsync(
        string id, string slot, string? index, string? fileName, HttpRequest request, HttpContext http, FileService files,
        CancellationToken cancellationToken)
    {
        request.HttpContext.LiftBodyLimit();
        var parsedIndex = UploadHeaders.Index(index);
        if (!parsedIndex.TryGetValue(out var indexValue, out var failure) && failure is not null)
        {
            return failure.ToProblem();
        }

        var name = fileName ?? UploadHeaders.FileNameFrom(request.Headers.ContentDisposition);
        var described = Describe(request.Headers, request.Headers.ContentType, name);
        if (!described.TryGetValue(out var description, out failure))
        {
            return failure.ToProblem();
        }

        var body = new ClientBodyStream(request.Body);
        var upload = new UploadRequest(id, slot, indexValue ?? 0, name, description.MediaType, body, request.ContentLength, description.Checksums);
        try
        {
            var outcome = await files.UploadAsync(http.Caller(), upload, cancellationToken);
            return outcome.TryGetValue(out var file, out failure) ? Created(file) : failure.ToProblem();
        }
        catch (ClientBodyException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return Unreadable(exception);
        }
    }

    /// <summary>
    /// Each file part goes to the slot named by its form name (<c>file</c> when empty), at the next free index of that slot.
    /// Parts are stored in order; on a failure the parts before it stay stored and the answer is that failure.
    /// Parts without a file name are ignored.
    /// </summary>
    public static async Task<Results<Created<FileListModel>, ProblemHttpResult>> UploadMultipartAsync(
        string id, HttpRequest request, HttpContext http, FileService files, CancellationToken cancellationToken)
    {
        request.HttpContext.LiftBodyLimit();
        var boundary = Boundary(request.ContentType);
        if (!boundary.TryGetValue(out var boundaryValue, out var failure))
        {
            return failure.ToProblem();
        }

        var reader = Reader(boundaryValue, request.Body);
        var target = new MultipartTarget(id, formName => string.IsNullOrEmpty(formName) ? FileService.DefaultSlot : formName);
        var stored = await MultipartFiles.StoreAsync(reader, http.Caller(), files, target, cancellationToken);
        return stored.TryGetValue(out var list, out failure)
            ? TypedResults.Created($"{NativeApiEndpoints.PathBase}/documents/{Uri.EscapeDataString(id)}/files", new FileListModel(list.Select(FileModel.From).ToList()))
            : failure.ToProblem();
    }

    private static Created<FileModel> Created(StoredFile file) =>
        TypedResults.Created($"{NativeApiEndpoints.PathBase}/files/{file.Id}", FileModel.From(file));

    private sealed record Description(string? MediaType, DeclaredChecksums Checksums);

    private static Outcome<Description> Describe(IHeaderDictionary headers, string? contentType, string? fileName)
    {
        var mediaType = UploadHeaders.MediaType(contentType, fileName);
        if (!mediaType.TryGetValue(out var type, out var failure))
        {
            return failure;
        }

        var checksums = UploadHeaders.Checksums(headers);
        return checksums.TryGetValue(out var declared, out failure) ? new Description(type, declared) : failure;
    }

    private static Outcome<string> Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            || !string.Equals(parsed.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return new Failure.Invalid("POST a multipart/form-data body, or PUT the raw bytes to /files/{slot}.", "Content-Type");
        }

        return Boundary(parsed);
    }

    /// <summary>
    /// A streaming reader of a multipart body. A part's headers name it, its type and its checksums (a long UTF-8 file
    /// name in <c>filename*</c> takes under 3 KiB), so 8 KiB and 16 headers per part hold any real part; more is 400.
    /// Parts' bodies are not limited here: each file is held to the upload limit as it is stored.
    /// </summary>
    internal static MultipartReader Reader(string boundary, Stream body) =>
        new(boundary, new ClientBodyStream(body)) { HeadersLengthLimit = MaxPartHeadersBytes, HeadersCountLimit = MaxPartHeaderCount };

    /// <summary>The boundary of a <c>multipart/form-data</c> media type, checked for length.</summary>
    internal static Outcome<string> Boundary(MediaTypeHeaderValue parsed)
    {
        var boundary = HeaderUtilities.RemoveQuotes(parsed.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > MaxBoundaryLength)
        {
            return new Failure.Invalid($"The multipart boundary must be 1 to {MaxBoundaryLength} characters.", "Content-Type");
        }

        return boundary;
    }

    internal static ProblemHttpResult Unreadable(ClientBodyException exception) =>
        new Failure.Invalid(exception.Message, "body").ToProblem();

    /// <summary>
    /// The next part, with the reader's own complaints about bad framing (a missing final boundary, oversized or too many
    /// part headers) reported as <see cref="ClientBodyException"/>, like any other unreadable body.
    /// </summary>
    internal static async Task<MultipartSection?> NextSectionAsync(this MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException
                                          && exception is not (BadHttpRequestException or ClientBodyException))
        {
            throw new ClientBodyException($"The multipart body is malformed: {exception.Message}", exception);
        }
    }
}
