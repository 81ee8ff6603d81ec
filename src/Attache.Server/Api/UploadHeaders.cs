using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Attache.Core;
using Attache.Core.Files;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Attache.Server.Api;

/// <summary>Reads what a client says about the bytes it sends: name, media type, checksums.</summary>
internal static class UploadHeaders
{
    public const string Sha256Header = "x-attache-sha256";
    public const string ReprDigestHeader = "Repr-Digest";
    private static readonly FileExtensionContentTypeProvider MediaTypes = new();

    /// <summary>The file name from <c>Content-Disposition</c> (<c>filename*</c> first), else null.</summary>
    public static string? FileNameFrom(StringValues contentDisposition)
    {
        if (StringValues.IsNullOrEmpty(contentDisposition) || !TryParseDisposition(contentDisposition.ToString(), out var parsed))
        {
            return null;
        }

        return FileNameOf(parsed);
    }

    /// <summary>
    /// Parses a <c>Content-Disposition</c> whose names can be read. The framework's parser accepts an extended parameter
    /// (<c>filename*</c>) it then cannot decode: with no value its getter throws ArgumentNullException, with the charset
    /// UTF-7 NotSupportedException. The names are decoded here once, so such a header counts as unreadable.
    /// </summary>
    public static bool TryParseDisposition(StringSegment text, [NotNullWhen(true)] out ContentDispositionHeaderValue? disposition)
    {
        disposition = null;
        if (!ContentDispositionHeaderValue.TryParse(text, out var parsed))
        {
            return false;
        }

        try
        {
            _ = parsed.Name;
            _ = parsed.FileName;
            _ = parsed.FileNameStar;
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException)
        {
            return false;
        }

        disposition = parsed;
        return true;
    }

    /// <summary>The <c>filename*</c> of a parsed disposition, else its <c>filename</c> with quoting undone; null when absent.</summary>
    public static string? FileNameOf(ContentDispositionHeaderValue disposition)
    {
        var name = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.UnescapeAsQuotedString(disposition.FileName).Value;
        return string.IsNullOrEmpty(name) ? null : name;
    }

    /// <summary>
    /// The declared media type when it is a real one; otherwise a guess from the file name's extension (a bare
    /// <c>application/octet-stream</c> says nothing, so the name decides); null when there is nothing to go on, so a
    /// new version keeps the media type the file had. The value is sent back in headers later, so only printable
    /// ASCII is accepted.
    /// </summary>
    public static Outcome<string?> MediaType(StringValues contentType, string? fileName)
    {
        if (!StringValues.IsNullOrEmpty(contentType))
        {
            var text = contentType.ToString();
            if (!text.All(c => c is >= ' ' and <= '~') || !MediaTypeHeaderValue.TryParse(text, out var parsed)
                || parsed.MediaType.Value is not { } declared || declared.Contains('*', StringComparison.Ordinal)
                || parsed.Parameters.Any(p => StringSegment.IsNullOrEmpty(p.Value) || HeaderUtilities.RemoveQuotes(p.Value).Length == 0))
            {
                return new Failure.Invalid("Content-Type is not a media type of printable ASCII, such as text/plain; charset=utf-8.", "Content-Type");
            }

            if (!string.Equals(declared, FileService.DefaultMediaType, StringComparison.OrdinalIgnoreCase))
            {
                return parsed.ToString();
            }
        }

        if (fileName is null)
        {
            return (string?)null;
        }

        return MediaTypes.TryGetContentType(fileName, out var guessed) ? guessed : FileService.DefaultMediaType;
    }

    /// <summary>
    /// <c>Content-MD5</c> (base64), <c>x-attache-sha256</c> (hex or base64) and RFC 9530 <c>Repr-Digest</c>
    /// (<c>sha-256</c>, <c>md5</c>). Malformed values are an error; two different declarations of one algorithm too.
    /// </summary>
    public static Outcome<DeclaredChecksums> Checksums(IHeaderDictionary headers)
    {
        string? md5 = null;
        string? sha256 = null;

        if (headers.TryGetValue(HeaderNames.ContentMD5, out var contentMd5))
        {
            if (Digest(contentMd5.ToString(), 16, allowHex: false) is not { } value)
            {
                return Malformed(HeaderNames.ContentMD5, "the base64 of 16 bytes");
            }

            md5 = value;
        }

        if (headers.TryGetValue(Sha256Header, out var shaHeader))
        {
            if (Digest(shaHeader.ToString(), 32, allowHex: true) is not { } value)
            {
                return Malformed(Sha256Header, "64 hex digits or the base64 of 32 bytes");
            }

            sha256 = value;
        }

        if (headers.TryGetValue(ReprDigestHeader, out var reprDigest))
        {
            foreach (var member in reprDigest.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = member.IndexOf('=', StringComparison.Ordinal);
                var algorithm = equals > 0 ? member[..equals].Trim().ToLowerInvariant() : "";
                var raw = equals > 0 ? member[(equals + 1)..].Trim() : "";
                if (raw.Length < 2 || raw[0] != ':' || raw[^1] != ':')
                {
                    return Malformed(ReprDigestHeader, "a structured-field dictionary such as sha-256=:BASE64:");
                }

                var size = algorithm switch { "sha-256" => 32, "md5" => 16, _ => 0 };
                if (size == 0)
                {
                    continue;
                }

                if (Digest(raw[1..^1], size, allowHex: false) is not { } value)
                {
                    return Malformed(ReprDigestHeader, $"{algorithm}=:<base64 of {size} bytes>:");
                }

                ref var slot = ref size == 32 ? ref sha256 : ref md5;
                if (slot is not null && slot != value)
                {
                    return new Failure.Invalid($"{ReprDigestHeader} disagrees with another checksum header.", ReprDigestHeader);
                }

                slot = value;
            }
        }

        return md5 is null && sha256 is null ? DeclaredChecksums.None : new DeclaredChecksums(sha256, md5);
    }

    /// <summary>Parses an upload index from its route segment; null when absent.</summary>
    public static Outcome<int?> Index(string? raw)
    {
        if (raw is null)
        {
            return (int?)null;
        }

        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && Ids.IsValidIndex(index)
            ? index
            : new Failure.Invalid($"The index must be a whole number from 0 to {Ids.MaxIndex}.", "index");
    }

    private static Failure.Invalid Malformed(string header, string expected) =>
        new($"{header} is malformed: expected {expected}.", header);

    private static string? Digest(string value, int size, bool allowHex)
    {
        value = value.Trim();
        if (allowHex && value.Length == size * 2 && value.All(char.IsAsciiHexDigit))
        {
            return value.ToLowerInvariant();
        }

        var buffer = new byte[size + 3];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == size
            ? Convert.ToHexStringLower(buffer, 0, size)
            : null;
    }
}
