using System.Diagnostics;
using Attache.Core;
using Attache.Core.Ports;
using SkiaSharp;

namespace Attache.Rendering;

/// <summary>
/// Thumbnails as PNG fitting in <see cref="MaxSide"/> × <see cref="MaxSide"/> pixels, aspect kept, never enlarged:
/// PNG, JPEG, GIF (first frame) and WebP decoded by SkiaSharp; the first page of a PDF drawn by Poppler's
/// <c>pdftoppm</c> in a child process, so that a hostile PDF can at worst end that process (or its time limit does).
/// </summary>
public sealed class Thumbnailer(ThumbnailOptions options) : IThumbnailer
{
    public const int MaxSide = 256;

    /// <summary>Images with more pixels than this are refused before they are decoded.</summary>
    public const long MaxSourcePixels = 100_000_000;

    private static readonly HashSet<string> ImageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "image/png", "image/jpeg", "image/jpg", "image/pjpeg", "image/gif", "image/webp",
    };

    public string Revision => "thumbnail-1";

    public string MediaType => "image/png";

    public bool Accepts(string mediaType) => IsImage(mediaType) || IsPdf(mediaType);

    public async Task<Failure?> MakeAsync(Stream source, string mediaType, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        var input = Path.Combine(Path.GetTempPath(), $"attache-thumbnail-source-{Guid.NewGuid():N}");
        try
        {
            await using (var file = new FileStream(input, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await source.CopyToAsync(file, cancellationToken);
            }

            if (IsPdf(mediaType))
            {
                return await FirstPageAsync(input, output, cancellationToken);
            }

            return IsImage(mediaType) ? Image(input, output) : new Failure.Invalid($"No thumbnail is made of {mediaType}.", "mediaType");
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static Failure? Image(string path, Stream output)
    {
        using var codec = SKCodec.Create(path);
        if (codec is null)
        {
            return new Failure.Invalid("The bytes are not an image SkiaSharp can read.", "content");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || (long)width * height > MaxSourcePixels)
        {
            return new Failure.Invalid($"The image is {width} × {height} pixels, more than {MaxSourcePixels} in all.", "content");
        }

        // JPEG decodes straight at 1/2, 1/4 or 1/8 of its size: ask for the smallest that is still large enough.
        var scale = Math.Min(1f, (float)MaxSide / Math.Max(width, height));
        var decoded = codec.GetScaledDimensions(scale);
        if (decoded.Width < Math.Round(width * scale) || decoded.Height < Math.Round(height * scale))
        {
            decoded = new SKSizeI(width, height);
        }

        using var bitmap = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            return new Failure.Invalid($"The image could not be decoded: {result}.", "content");
        }

        var target = new SKImageInfo(Side(width, scale), Side(height, scale), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var resized = bitmap.Resize(target, new SKSamplingOptions(SKCubicResampler.Mitchell));
        return Encode(resized, output);
    }

    private async Task<Failure?> FirstPageAsync(string pdf, Stream output, CancellationToken cancellationToken)
    {
        var root = pdf + "-page";
        var start = new ProcessStartInfo(options.PdfToPpm)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to", MaxSide.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", pdf, root })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {options.PdfToPpm}.");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.PdfTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            return new Failure.Invalid($"The first page of the PDF took longer than {options.PdfTimeout} to draw.", "content");
        }

        var page = root + ".png";
        try
        {
            if (process.ExitCode != 0 || !File.Exists(page))
            {
                return new Failure.Invalid($"The bytes are not a PDF Poppler can draw: {(await errors).Trim()}", "content");
            }

            // Poppler scales the longer side to exactly MaxSide; fit it once more so that tiny pages are not enlarged past it.
            using var codec = SKCodec.Create(page);
            using var bitmap = codec is null ? null : SKBitmap.Decode(codec);
            return bitmap is null ? new Failure.Invalid("Poppler wrote no readable page image.", "content") : Encode(bitmap, output);
        }
        finally
        {
            File.Delete(page);
        }
    }

    private static Failure? Encode(SKBitmap bitmap, Stream output)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(output);
        return null;
    }

    private static int Side(int side, float scale) => Math.Max(1, (int)Math.Round(side * scale));

    private static bool IsImage(string mediaType) => ImageTypes.Contains(Essence(mediaType));

    private static bool IsPdf(string mediaType) => Essence(mediaType).Equals("application/pdf", StringComparison.OrdinalIgnoreCase);

    private static string Essence(string mediaType) => mediaType.Split(';')[0].Trim();
}

/// <summary>Settings of thumbnails (<c>Attache:Thumbnails</c>).</summary>
public sealed class ThumbnailOptions
{
    public const string SectionName = "Attache:Thumbnails";

    /// <summary>Poppler's <c>pdftoppm</c> (Debian package poppler-utils), found on PATH by default.</summary>
    public string PdfToPpm { get; set; } = "pdftoppm";

    public TimeSpan PdfTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
