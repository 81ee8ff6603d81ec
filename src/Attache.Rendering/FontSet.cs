using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using SkiaSharp;

namespace Attache.Rendering;

/// <summary>
/// The typefaces PDF renditions draw with, in order of preference: each character takes the first that has a glyph
/// for it (a fixed-width Latin font first, then one covering CJK). Loaded once from files; thread-safe.
/// </summary>
public sealed class FontSet : IDisposable
{
    private readonly List<SKTypeface> _typefaces = [];
    private readonly List<SKFont> _lookups = [];
    private readonly ConcurrentDictionary<int, (int Font, ushort Glyph)> _glyphs = new();

    public FontSet(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Paths = paths.ToList();
        using var fingerprint = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in Paths)
        {
            if (File.Exists(path) && SKTypeface.FromFile(path) is { } typeface)
            {
                _typefaces.Add(typeface);
                _lookups.Add(new SKFont(typeface));
                Loaded.Add(path);
                using var file = File.OpenRead(path);
                fingerprint.AppendData(SHA256.HashData(file));
            }
        }

        Fingerprint = Convert.ToHexStringLower(fingerprint.GetHashAndReset())[..16];
    }

    /// <summary>Identifies the fonts loaded, by their bytes in order: PDF renditions drawn with other fonts differ.</summary>
    public string Fingerprint { get; }

    /// <summary>The files asked for.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>The files that loaded as fonts.</summary>
    public List<string> Loaded { get; } = [];

    internal IReadOnlyList<SKTypeface> Typefaces => _typefaces;

    /// <summary>The font and glyph for a character; glyph 0 (the missing-glyph box) of the first font when none has it.</summary>
    internal (int Font, ushort Glyph) Glyph(Rune rune)
    {
        if (_typefaces.Count == 0)
        {
            throw new InvalidOperationException(
                "No font to draw PDF renditions with: none of the files in Attache:Rendering:Fonts could be loaded ("
                + string.Join(", ", Paths) + "). On Debian, `apt-get install fonts-dejavu-core fonts-wqy-microhei` installs the defaults.");
        }

        return _glyphs.GetOrAdd(rune.Value, static (value, lookups) =>
        {
            for (var i = 0; i < lookups.Count; i++)
            {
                var glyph = lookups[i].GetGlyph(value);
                if (glyph != 0)
                {
                    return (i, glyph);
                }
            }

            return (0, (ushort)0);
        }, _lookups);
    }

    public void Dispose()
    {
        foreach (var font in _lookups)
        {
            font.Dispose();
        }

        foreach (var typeface in _typefaces)
        {
            typeface.Dispose();
        }
    }
}
