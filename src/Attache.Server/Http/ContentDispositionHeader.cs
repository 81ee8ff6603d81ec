using System.Text;

namespace Attache.Server.Http;

/// <summary>
/// RFC 6266 Content-Disposition with an RFC 5987 <c>filename*</c>. The framework's header value mangles non-ASCII
/// names, so this is our own: the ASCII fallback keeps only characters that no parser can misread, and the
/// exact name travels percent-encoded in <c>filename*</c>.
/// </summary>
internal static class ContentDispositionHeader
{
    public static string Build(string type, string? fileName, FileNameStyle style = FileNameStyle.Quoted)
    {
        if (!IsToken(type))
        {
            throw new ArgumentException($"Disposition type '{type}' is not an RFC 9110 token.", nameof(type));
        }

        if (string.IsNullOrEmpty(fileName))
        {
            return type;
        }

        var plain = fileName.AsSpan().IndexOfAnyExcept(PlainChars) < 0;
        var fallback = plain ? fileName : string.Create(fileName.Length, fileName, static (span, name) =>
        {
            for (var i = 0; i < name.Length; i++)
            {
                span[i] = PlainChars.Contains(name[i]) ? name[i] : '_';
            }
        });

        var header = new StringBuilder(type.Length + (fileName.Length * 4) + 32).Append(type).Append("; filename=");
        if (style == FileNameStyle.UnquotedToken && IsToken(fallback))
        {
            header.Append(fallback);
        }
        else
        {
            header.Append('"').Append(fallback).Append('"');
        }

        if (!plain)
        {
            header.Append("; filename*=UTF-8''");
            AppendPercentEncoded(header, fileName);
        }

        return header.ToString();
    }

    public static bool IsToken(string? value) =>
        !string.IsNullOrEmpty(value) && value.AsSpan().IndexOfAnyExcept(TokenChars) < 0;

    // RFC 5987 attr-char; everything else is percent-encoded UTF-8 (lone surrogates become U+FFFD).
    private static void AppendPercentEncoded(StringBuilder header, string fileName)
    {
        foreach (var b in Encoding.UTF8.GetBytes(fileName))
        {
            if (b < 0x80 && AttrChars.Contains((char)b))
            {
                header.Append((char)b);
            }
            else
            {
                header.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }
    }

    private const string HexDigits = "0123456789ABCDEF";
    private const string AsciiAlphaNumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    // Kept in the quoted fallback: no quote, backslash, slash, percent, semicolon, equals, star or control.
    private static readonly System.Buffers.SearchValues<char> PlainChars =
        System.Buffers.SearchValues.Create(AsciiAlphaNumeric + " !#$&'()+,-.@[]^_`{}~");

    private static readonly System.Buffers.SearchValues<char> TokenChars =
        System.Buffers.SearchValues.Create(AsciiAlphaNumeric + "!#$%&'*+-.^_`|~");

    private static readonly System.Buffers.SearchValues<char> AttrChars =
        System.Buffers.SearchValues.Create(AsciiAlphaNumeric + "!#$&+-.^_`|~");
}
