using System.Globalization;

namespace Attache.Storage.Metadata;

/// <summary>Rules on file ids that every metadata adapter applies the same way.</summary>
internal static class FileIds
{
    /// <summary>
    /// The number an id such as <c>1256</c> spells, as the sequence would have; null for <c>01256</c>, <c>a1</c>, or a
    /// number beyond what the sequence can ever reach.
    /// </summary>
    public static long? PlainNumber(string id) =>
        id.Length > 0 && id[0] != '0' && id.All(char.IsAsciiDigit)
        && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
}
