namespace Attache.Server.Http;

/// <summary>An inclusive, satisfiable byte range of a representation.</summary>
internal readonly record struct ByteRange(long First, long Last)
{
    public long Length => Last - First + 1;
}

internal enum RangeVerdict
{
    /// <summary>Absent, another unit, a syntax error or too many ranges: answer 200 with the whole body.</summary>
    Ignore,

    /// <summary>Valid, but no range overlaps the representation: 416.</summary>
    Unsatisfiable,

    Satisfiable,
}

/// <summary>RFC 9110 §14.1.2 <c>Range: bytes=…</c>, bounded so a hostile header costs little.</summary>
internal static class ByteRanges
{
    public const int MaxRanges = 100;

    /// <summary>
    /// On <see cref="RangeVerdict.Satisfiable"/>, <paramref name="ranges"/> holds the ranges with overlapping ones
    /// merged, in the order they were first requested.
    /// </summary>
    public static RangeVerdict Parse(string? header, long length, out ByteRange[] ranges)
    {
        ranges = [];
        if (string.IsNullOrEmpty(header))
        {
            return RangeVerdict.Ignore;
        }

        var s = header.AsSpan();
        var i = 0;
        SkipWhitespace(s, ref i);
        var unitStart = i;
        while (i < s.Length && s[i] is not ('=' or ' ' or '\t'))
        {
            i++;
        }

        if (!s[unitStart..i].Equals("bytes", StringComparison.OrdinalIgnoreCase))
        {
            return RangeVerdict.Ignore;
        }

        SkipWhitespace(s, ref i);
        if (i >= s.Length || s[i] != '=')
        {
            return RangeVerdict.Ignore;
        }

        i++;
        SkipWhitespace(s, ref i);
        var found = new List<(ByteRange Range, int Order)>();
        var count = 0;
        while (true)
        {
            if (++count > MaxRanges || !TryParseSpec(s, ref i, out var first, out var last, out var suffix))
            {
                return RangeVerdict.Ignore;
            }

            if (Resolve(first, last, suffix, length) is { } range)
            {
                found.Add((range, count));
            }

            SkipWhitespace(s, ref i);
            if (i == s.Length)
            {
                break;
            }

            if (s[i] != ',')
            {
                return RangeVerdict.Ignore;
            }

            i++;
            SkipWhitespace(s, ref i);
            if (i == s.Length)
            {
                return RangeVerdict.Ignore;
            }
        }

        if (found.Count == 0)
        {
            return RangeVerdict.Unsatisfiable;
        }

        ranges = Merge(found);
        return RangeVerdict.Satisfiable;
    }

    private static ByteRange[] Merge(List<(ByteRange Range, int Order)> found)
    {
        found.Sort(static (a, b) => a.Range.First.CompareTo(b.Range.First));
        var merged = new List<(ByteRange Range, int Order)> { found[0] };
        foreach (var (range, order) in found.Skip(1))
        {
            var (current, currentOrder) = merged[^1];
            if (range.First <= current.Last)
            {
                merged[^1] = (new ByteRange(current.First, Math.Max(current.Last, range.Last)), Math.Min(currentOrder, order));
            }
            else
            {
                merged.Add((range, order));
            }
        }

        return [.. merged.OrderBy(static m => m.Order).Select(static m => m.Range)];
    }

    private static ByteRange? Resolve(long first, long? last, bool suffix, long length)
    {
        if (suffix)
        {
            return first == 0 || length == 0 ? null : new ByteRange(Math.Max(0, length - first), length - 1);
        }

        return first >= length ? null : new ByteRange(first, Math.Min(last ?? long.MaxValue, length - 1));
    }

    // range-spec = first-pos "-" [ last-pos ] / "-" suffix-length; for a suffix, first carries the length.
    private static bool TryParseSpec(ReadOnlySpan<char> s, ref int i, out long first, out long? last, out bool suffix)
    {
        last = null;
        suffix = i < s.Length && s[i] == '-';
        if (suffix)
        {
            i++;
            return TryParseDigits(s, ref i, out first);
        }

        if (!TryParseDigits(s, ref i, out first) || i >= s.Length || s[i] != '-')
        {
            return false;
        }

        i++;
        if (TryParseDigits(s, ref i, out var value))
        {
            last = value;
            return value >= first;
        }

        return true;
    }

    // Saturates at long.MaxValue: a first-pos that large is unsatisfiable, a last-pos or suffix that large means "to the end".
    private static bool TryParseDigits(ReadOnlySpan<char> s, ref int i, out long value)
    {
        value = 0;
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            var digit = s[i] - '0';
            value = value > (long.MaxValue - digit) / 10 ? long.MaxValue : (value * 10) + digit;
            i++;
        }

        return i > start;
    }

    private static void SkipWhitespace(ReadOnlySpan<char> s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t')
        {
            i++;
        }
    }
}
