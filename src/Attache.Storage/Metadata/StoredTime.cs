using System.Globalization;

namespace Attache.Storage.Metadata;

/// <summary>
/// The stored form of a time in every metadata adapter: fixed-width ISO-8601 UTC text to the tick, which sorts as text
/// in time order and round-trips exactly.
/// </summary>
internal static class StoredTime
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string value) =>
        DateTimeOffset.ParseExact(value, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
