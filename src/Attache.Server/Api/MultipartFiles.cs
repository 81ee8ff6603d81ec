using Attache.Core;
using Attache.Core.Files;
using Attache.Core.Principals;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Attache.Server.Api;

/// <summary>Where the file parts of one multipart upload go, and what the form may say about them.</summary>
internal sealed record MultipartTarget(string DocumentId, Func<string, string?> SlotOf)
{
    /// <summary>
    /// A text field whose value, the MD5 of the next file part as 32 hex digits, is verified like that part's own
    /// <c>Content-MD5</c> (browsers' <c>FormData</c> cannot set part headers). Null: no such field.
    /// </summary>
    public string? ChecksumField { get; init; }

    /// <summary>Record each file before its bytes arrive, so that its state follows the upload (see <see cref="UploadRequest.ReserveFile"/>).</summary>
    public bool ReserveFiles { get; init; }

    /// <summary>Called with each file once it is stored.</summary>
    public Func<StoredFile, CancellationToken, Task>? Stored { get; init; }
}

/// <summary>
/// Streams the file parts of a <c>multipart/form-data</c> body into their slots one after another, each through
/// <see cref="FileService.UploadAsync"/> at its slot's next free index. On a failure, the parts before it stay stored and
/// the answer is that failure; a body that cannot be read is <see cref="Failure.Invalid"/> on <c>body</c>.
/// </summary>
internal static class MultipartFiles
{
    private const int MaxFieldLength = 1024;

    public static async Task<Outcome<IReadOnlyList<StoredFile>>> StoreAsync(
        MultipartReader reader, Caller caller, FileService files, MultipartTarget target, CancellationToken cancellationToken)
    {
        var stored = new List<StoredFile>();
        string? pendingMd5 = null;
        try
        {
            while (await reader.NextSectionAsync(cancellationToken) is { } section)
            {
                if (!UploadHeaders.TryParseDisposition(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var formName = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (!disposition.IsFileDisposition())
                {
                    if (target.ChecksumField is { } field && string.Equals(formName, field, StringComparison.Ordinal))
                    {
                        var checksum = await ReadFieldAsync(section, field, cancellationToken);
                        if (!checksum.TryGetValue(out pendingMd5, out var invalid))
                        {
                            return invalid;
                        }
                    }

                    continue;
                }

                if (target.SlotOf(formName) is not { } slot)
                {
                    continue;
                }

                var outcome = await StorePartAsync(section, disposition, slot, pendingMd5, caller, files, target, cancellationToken);
                pendingMd5 = null;
                if (!outcome.TryGetValue(out var file, out var failure))
                {
                    return failure;
                }

                stored.Add(file);
                if (target.Stored is { } notify)
                {
                    await notify(file, CancellationToken.None);
                }
            }
        }
        catch (ClientBodyException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new Failure.Invalid(exception.Message, "body");
        }

        if (pendingMd5 is not null)
        {
            return new Failure.Invalid($"The last {target.ChecksumField} field is followed by no file part.", target.ChecksumField!);
        }

        return stored.Count == 0
            ? new Failure.Invalid("The multipart body holds no file part (a part with a filename).", "body")
            : stored;
    }

    private static async Task<Outcome<StoredFile>> StorePartAsync(
        MultipartSection section, ContentDispositionHeaderValue disposition, string slot, string? fieldMd5, Caller caller, FileService files,
        MultipartTarget target, CancellationToken cancellationToken)
    {
        var fileName = UploadHeaders.FileNameOf(disposition);
        var mediaType = UploadHeaders.MediaType(section.ContentType, fileName);
        if (!mediaType.TryGetValue(out var type, out var failure))
        {
            return failure;
        }

        var checksums = UploadHeaders.Checksums(new HeaderDictionary(section.Headers));
        if (!checksums.TryGetValue(out var declared, out failure))
        {
            return failure;
        }

        if (fieldMd5 is not null)
        {
            if (declared.Md5 is { } headerMd5 && headerMd5 != fieldMd5)
            {
                return new Failure.Invalid($"The {target.ChecksumField} field disagrees with the part's {HeaderNames.ContentMD5}.", target.ChecksumField!);
            }

            declared = declared with { Md5 = fieldMd5 };
        }

        var upload = new UploadRequest(target.DocumentId, slot, null, fileName, type, new ClientBodyStream(section.Body), null, declared)
        {
            ReserveFile = target.ReserveFiles,
        };
        return await files.UploadAsync(caller, upload, cancellationToken);
    }

    private static async Task<Outcome<string>> ReadFieldAsync(MultipartSection section, string field, CancellationToken cancellationToken)
    {
        var buffer = new char[MaxFieldLength + 1];
        using var text = new StreamReader(section.Body, leaveOpen: true);
        var length = await text.ReadBlockAsync(buffer, cancellationToken);
        var value = new string(buffer, 0, length).Trim();
        return value.Length == 32 && value.All(char.IsAsciiHexDigit)
            ? value.ToLowerInvariant()
            : new Failure.Invalid($"The {field} field must be the MD5 of the next file as 32 hex digits.", field);
    }
}
