using System.Net;
using Attache.Server.Tests.Api;
using static Attache.Server.Tests.Dialects.RevLegal.RevWorld;

namespace Attache.Server.Tests.Dialects.RevLegal;

public sealed class RevNegotiationTests(RevWorld world) : IClassFixture<RevWorld>, IDisposable
{
    private readonly HttpClient _rev = world.Rev();

    public void Dispose() => _rev.Dispose();

    [Theory]
    // Rough drafts: every representation; JSON by default; the extension decides over Accept.
    [InlineData("att-ai", "", null, Json)]
    [InlineData("att-human", "", null, Json)]
    [InlineData("att-ai", ".json", null, Json)]
    [InlineData("att-ai", ".docx", null, Docx)]
    [InlineData("att-ai", ".DOCX", null, Docx)]
    [InlineData("att-human", ".pdf", null, Pdf)]
    [InlineData("att-human", ".txt", null, Text)]
    [InlineData("att-ai", ".xml", null, null)]
    [InlineData("att-ai", ".txt", "application/pdf", Text)]
    [InlineData("att-ai", ".pdf", "application/pdf;q=0", Pdf)]
    [InlineData("att-ai", ".json", "text/plain", Json)]
    [InlineData("att-ai", "", "application/pdf", Pdf)]
    [InlineData("att-ai", "", "text/plain", Text)]
    [InlineData("att-ai", "", Docx, Docx)]
    [InlineData("att-ai", "", Json, Json)]
    [InlineData("att-ai", "", "*/*", Json)]
    [InlineData("att-ai", "", "text/*", Text)]
    [InlineData("att-ai", "", "application/*", Json)]
    [InlineData("att-ai", "", "APPLICATION/PDF", Pdf)]
    [InlineData("att-ai", "", "application/pdf;q=0.5, text/plain;q=0.9", Text)]
    [InlineData("att-ai", "", "text/plain;q=0.9, application/pdf", Pdf)]
    [InlineData("att-ai", "", "*/*;q=0.1, application/pdf", Pdf)]
    [InlineData("att-ai", "", "text/html, */*;q=0.2", Json)]
    [InlineData("att-ai", "", "application/*;q=0.8, application/json+rev-transcript;q=0", Docx)]
    [InlineData("att-ai", "", "*/*, application/json+rev-transcript;q=0", Docx)]
    [InlineData("att-ai", "", "text/*;q=0.3, text/plain;q=0, application/pdf;q=0.2", Pdf)]
    [InlineData("att-human", "", "text/html", null)]
    [InlineData("att-human", "", "application/json", null)]
    [InlineData("att-human", "", "image/*", null)]
    [InlineData("att-human", "", "text/plain;q=0", null)]
    [InlineData("att-human", "", "*/*;q=0", null)]
    // Ready To Certify, preferred DOCX: DOCX (default) and JSON only.
    [InlineData("att-rtc-docx", "", null, Docx)]
    [InlineData("att-rtc-docx", "", "*/*", Docx)]
    [InlineData("att-rtc-docx", ".docx", null, Docx)]
    [InlineData("att-rtc-docx", ".json", null, Json)]
    [InlineData("att-rtc-docx", ".pdf", null, null)]
    [InlineData("att-rtc-docx", ".txt", null, null)]
    [InlineData("att-rtc-docx", ".pdf", Docx, null)]
    [InlineData("att-rtc-docx", "", "application/pdf", null)]
    [InlineData("att-rtc-docx", "", "text/plain", null)]
    [InlineData("att-rtc-docx", "", "text/plain, application/json+rev-transcript;q=0.1", Json)]
    [InlineData("att-rtc-docx", "", "application/json+rev-transcript, " + Docx + ";q=0.5", Json)]
    // Ready To Certify, preferred text: text (default) and JSON only.
    [InlineData("att-rtc-txt", "", null, Text)]
    [InlineData("att-rtc-txt", ".txt", null, Text)]
    [InlineData("att-rtc-txt", ".json", null, Json)]
    [InlineData("att-rtc-txt", ".docx", null, null)]
    [InlineData("att-rtc-txt", ".pdf", null, null)]
    [InlineData("att-rtc-txt", "", Docx, null)]
    [InlineData("att-rtc-txt", "", "application/*", Json)]
    // Ready To Certify without a preferred legal file type: JSON only.
    [InlineData("att-rtc-none", "", null, Json)]
    [InlineData("att-rtc-none", "", "*/*", Json)]
    [InlineData("att-rtc-none", ".docx", null, null)]
    [InlineData("att-rtc-none", ".txt", null, null)]
    [InlineData("att-rtc-none", "", "text/plain", null)]
    // A recording is served as stored whatever Accept says; it has no other representation.
    [InlineData("att-media", "", null, "audio/mpeg")]
    [InlineData("att-media", "", "application/pdf", "audio/mpeg")]
    [InlineData("att-media", ".json", null, null)]
    public async Task The_representation_follows_the_extension_then_accept_then_the_default(
        string attachment, string extension, string? accept, string? expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/rev/api/v1/attachments/{attachment}/content{extension}");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await _rev.SendAsync(request, NativeApi.Token);
        var body = await response.Content.ReadAsByteArrayAsync(NativeApi.Token);

        Assert.Contains("Accept", response.Headers.Vary);
        if (expected is null)
        {
            Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
            Assert.Empty(body);
            return;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(body);
        var magic = expected switch
        {
            Pdf => "%PDF-"u8.ToArray(),
            Docx => "PK"u8.ToArray(),
            Json => "{"u8.ToArray(),
            _ => null,
        };
        if (magic is not null)
        {
            Assert.Equal(magic, body[..magic.Length]);
        }
    }

    [Fact]
    public async Task Text_names_its_charset_and_json_carries_exactly_the_seed_media_type()
    {
        using var text = await _rev.GetAsync("/rev/api/v1/attachments/att-ai/content.txt", NativeApi.Token);
        using var json = await _rev.GetAsync("/rev/api/v1/attachments/att-ai/content", NativeApi.Token);

        Assert.Equal("text/plain; charset=utf-8", text.Content.Headers.ContentType?.ToString());
        Assert.Equal(Json, json.Content.Headers.ContentType?.ToString());
        Assert.Equal("deposition.txt", text.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }
}
