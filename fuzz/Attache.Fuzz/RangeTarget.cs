using System.Globalization;
using System.Text;
using Attache.Server.Http;

namespace Attache.Fuzz;

/// <summary>
/// The <c>Range</c> header parser. Input: the representation's length in decimal, a line feed, then the header value
/// (Latin-1, as Kestrel hands header bytes over). Every verdict is allowed; a satisfiable one must hold at most
/// <see cref="ByteRanges.MaxRanges"/> disjoint ranges inside the representation.
/// </summary>
public sealed class RangeTarget : IFuzzTarget
{
    public const string TargetName = "range";

    private const long DefaultLength = 10_000;

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        var newline = input.IndexOf((byte)'\n');
        var length = DefaultLength;
        var header = input;
        if (newline >= 0)
        {
            if (long.TryParse(Encoding.Latin1.GetString(input[..newline]), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                length = parsed;
            }

            header = input[(newline + 1)..];
        }

        var verdict = ByteRanges.Parse(Encoding.Latin1.GetString(header), length, out var ranges);
        if (verdict != RangeVerdict.Satisfiable)
        {
            FuzzTargets.Require(ranges.Length == 0, $"{verdict} with ranges");
            return;
        }

        FuzzTargets.Require(ranges.Length is > 0 and <= ByteRanges.MaxRanges, $"{ranges.Length} ranges");
        foreach (var range in ranges)
        {
            FuzzTargets.Require(range.First >= 0 && range.First <= range.Last && range.Last < length, $"{range} outside 0..{length - 1}");
        }

        var sorted = ranges.OrderBy(r => r.First).ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            FuzzTargets.Require(sorted[i].First > sorted[i - 1].Last, $"{sorted[i - 1]} and {sorted[i]} overlap");
        }
    }
}
