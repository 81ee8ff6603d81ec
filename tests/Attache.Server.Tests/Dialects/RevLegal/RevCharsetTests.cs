using System.Net;
using System.Text;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Dialects.RevLegal;

public sealed class RevCharsetTests(RevWorld world) : IClassFixture<RevWorld>, IDisposable
{
    private const string Spoken = "“Yes” é ß Ł 中文 😀";

    private readonly HttpClient _rev = world.Rev();

    public void Dispose() => _rev.Dispose();

    [Theory]
    [InlineData(null, "utf-8")]
    [InlineData("utf-8", "utf-8")]
    [InlineData("UTF-16", "utf-16")]
    [InlineData("iso-8859-1", "iso-8859-1")]
    [InlineData("windows-1252", "windows-1252")]
    [InlineData("us-ascii", "us-ascii")]
    [InlineData("*", "utf-8")]
    [InlineData("utf-8;q=0.1, us-ascii", "us-ascii")]
    [InlineData("koi8-r, *;q=0.5, windows-1252;q=0.6", "windows-1252")]
    [InlineData("utf-8;q=0, *", "utf-16")]
    [InlineData("koi8-r", null)]
    [InlineData("koi8-r, *;q=0", null)]
    [InlineData("utf-8;q=0", null)]
    public async Task Accept_charset_picks_the_best_supported_charset_or_406(string? acceptCharset, string? expected)
    {
        using var response = await GetTextAsync(acceptCharset);

        if (expected is null)
        {
            Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync(NativeApi.Token));
            return;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"text/plain; charset={expected}", response.Content.Headers.ContentType?.ToString());
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-16")]
    [InlineData("iso-8859-1")]
    [InlineData("windows-1252")]
    [InlineData("us-ascii")]
    public async Task Every_charset_encodes_the_transcript_byte_for_byte(string charset)
    {
        using var utf8 = await GetTextAsync(null);
        var utf8Bytes = await utf8.Content.ReadAsByteArrayAsync(NativeApi.Token);
        var layout = Encoding.UTF8.GetString(utf8Bytes);
        Assert.Equal(" 1        A.   " + Spoken, layout.Split("\r\n")[2]);

        using var response = await GetTextAsync(charset);
        var body = await response.Content.ReadAsByteArrayAsync(NativeApi.Token);

        var expected = charset switch
        {
            // No byte order mark.
            "utf-8" => utf8Bytes,
            // Little-endian with its byte order mark; every character kept, the emoji as a surrogate pair.
            "utf-16" => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(layout)],
            // In Latin-1: é and ß as they are, Ł its nearest letter, smart quotes plain ones, the rest '?'.
            "iso-8859-1" => Encoding.Latin1.GetBytes(layout.Replace(Spoken, "\"Yes\" é ß L ?? ?", StringComparison.Ordinal)),
            // Windows-1252 has its own bytes for smart quotes (0x93, 0x94).
            "windows-1252" => Latin1With(layout.Replace(Spoken, "\u0093Yes\u0094 é ß L ?? ?", StringComparison.Ordinal)),
            // US-ASCII: diacritics folded to the base letter, everything else left out.
            _ => Encoding.ASCII.GetBytes(layout.Replace(Spoken, "Yes e L", StringComparison.Ordinal)),
        };
        Assert.Equal(expected, body);
        if (charset == "windows-1252")
        {
            Assert.Contains((byte)0x93, body);
        }
    }

    [Theory]
    [InlineData(".pdf", RevWorld.Pdf)]
    [InlineData(".docx", RevWorld.Docx)]
    [InlineData(".json", RevWorld.Json)]
    public async Task Accept_charset_is_ignored_for_other_representations(string extension, string mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/rev/api/v1/attachments/att-human/content{extension}");
        request.Headers.TryAddWithoutValidation("Accept-Charset", "koi8-r");

        using var response = await _rev.SendAsync(request, NativeApi.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>Characters U+0000–U+00FF as single bytes, so that the C1 code points stand for Windows-1252's own bytes.</summary>
    private static byte[] Latin1With(string text) => Encoding.Latin1.GetBytes(text);

    private async Task<HttpResponseMessage> GetTextAsync(string? acceptCharset)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/rev/api/v1/attachments/att-ai/content.txt");
        if (acceptCharset is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Charset", acceptCharset);
        }

        return await _rev.SendAsync(request, NativeApi.Token);
    }
}
