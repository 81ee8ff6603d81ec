using System.Net;
using SkiaSharp;
using static Attache.Server.Tests.Dialects.Chat.ChatWorld;

namespace Attache.Server.Tests.Dialects.Chat;

public sealed class ChatThumbnailTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new();
    private HttpClient _author = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await ImportAsync(_app);
        _author = await _app.SignInAsync("author");
    }

    public async ValueTask DisposeAsync()
    {
        _author.Dispose();
        await _app.DisposeAsync();
    }

    public static TheoryData<string, string, int, int, int, int> Images => new()
    {
        { "wide.png", "image/png", 600, 300, 256, 128 },
        { "photo.jpg", "image/jpeg", 1024, 768, 256, 192 },
        { "tall.webp", "image/webp", 200, 800, 64, 256 },
        { "small.gif", "image/gif", 100, 50, 100, 50 },
        { "page.pdf", "application/pdf", 400, 200, 256, 128 },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public async Task An_image_or_pdf_gets_a_png_thumbnail_that_decodes_at_the_fitted_size(
        string fileName, string mediaType, int width, int height, int thumbWidth, int thumbHeight)
    {
        using var upload = await _author.PostFormAsync(43, FormData(new Part(fileName, mediaType, Make(mediaType, width, height))));
        Assert.Equal(Ok, await upload.Content.ReadAsStringAsync(Token));
        var id = (await _author.ListAsync(43)).Single().GetProperty("attachmentId").GetInt64();

        var metadata = await PollAsync(() => _author.MetadataAsync(id), a => a.GetProperty("hasThumbnail").GetBoolean());

        Assert.True(metadata.GetProperty("hasThumbnail").GetBoolean());
        using var response = await _author.GetAsync($"/chat/api/v1/attachments/{id}/thumbnail", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Token);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        using var decoded = SKBitmap.Decode(bytes);
        Assert.NotNull(decoded);
        Assert.Equal((thumbWidth, thumbHeight), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task A_thumbnail_shows_the_image_and_not_just_its_size()
    {
        using var upload = await _author.PostFormAsync(43, FormData(new Part("red.png", "image/png", Make("image/png", 512, 512, SKColors.Red))));
        var id = (await _author.ListAsync(43)).Single().GetProperty("attachmentId").GetInt64();
        await PollAsync(() => _author.MetadataAsync(id), a => a.GetProperty("hasThumbnail").GetBoolean());

        using var decoded = SKBitmap.Decode(await _author.GetByteArrayAsync($"/chat/api/v1/attachments/{id}/thumbnail", Token));

        Assert.Equal(SKColors.Red, decoded.GetPixel(128, 128));
    }

    [Fact]
    public async Task Files_that_are_no_image_and_images_that_do_not_decode_get_no_thumbnail_and_the_queue_empties()
    {
        using var upload = await _author.PostFormAsync(43, FormData(
            new Part("notes.txt", "text/plain", "text"u8.ToArray()),
            new Part("broken.png", "image/png", "not a png at all"u8.ToArray()),
            new Part("broken.pdf", "application/pdf", "not a pdf at all"u8.ToArray())));
        Assert.Equal(Ok, await upload.Content.ReadAsStringAsync(Token));
        var jobs = (Attache.Core.Ports.IJobStore)_app.Services.GetService(typeof(Attache.Core.Ports.IJobStore))!;

        var waiting = await PollAsync(() => jobs.CountAsync("thumbnail", Token), count => count == 0);

        Assert.Equal(0, waiting);
        var listed = await _author.ListAsync(43);
        Assert.All(listed, a => Assert.False(a.GetProperty("hasThumbnail").GetBoolean()));
        foreach (var attachment in listed)
        {
            using var response = await _author.GetAsync($"/chat/api/v1/attachments/{attachment.GetProperty("attachmentId")}/thumbnail", Token);
            await response.AssertErrorAsync(HttpStatusCode.NotFound, AttachmentNotFound);
        }
    }

    private static byte[] Make(string mediaType, int width, int height, SKColor? color = null) => mediaType switch
    {
        "image/gif" => Gif(width, height),
        "application/pdf" => Pdf(width, height),
        _ => Encode(width, height, color ?? SKColors.SteelBlue, mediaType == "image/jpeg" ? SKEncodedImageFormat.Jpeg
            : mediaType == "image/webp" ? SKEncodedImageFormat.Webp : SKEncodedImageFormat.Png),
    };

    private static byte[] Encode(int width, int height, SKColor color, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    private static byte[] Pdf(int width, int height)
    {
        using var stream = new MemoryStream();
        using (var document = SKDocument.CreatePdf(stream))
        {
            var canvas = document.BeginPage(width, height);
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = SKColors.Black };
            canvas.DrawRect(10, 10, width / 2f, height / 2f, paint);
            document.EndPage();
            document.Close();
        }

        return stream.ToArray();
    }

    /// <summary>
    /// A two-colour GIF whose LZW data clears the code table every two pixels, so that every code stays 3 bits wide
    /// (Skia can decode GIF but not write it).
    /// </summary>
    private static byte[] Gif(int width, int height)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0x80, 0, 0]);
        gif.AddRange([0x33, 0x66, 0x99, 0xFF, 0xFF, 0xFF]);
        gif.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0]);
        gif.Add(2);

        var codes = new List<int>();
        for (var i = 0; i < width * height; i++)
        {
            if (i % 2 == 0)
            {
                codes.Add(4);
            }

            codes.Add((i / width + i % width) % 7 == 0 ? 1 : 0);
        }

        codes.Add(5);
        var packed = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var code in codes)
        {
            buffer |= code << bits;
            bits += 3;
            while (bits >= 8)
            {
                packed.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }

        if (bits > 0)
        {
            packed.Add((byte)buffer);
        }

        foreach (var block in packed.Chunk(255))
        {
            gif.Add((byte)block.Length);
            gif.AddRange(block);
        }

        gif.AddRange([0, 0x3B]);
        return gif.ToArray();
    }
}
