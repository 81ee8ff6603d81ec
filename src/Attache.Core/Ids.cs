namespace Attache.Core;

/// <summary>Shapes of the identifiers callers may choose. None of them ever reaches a file-system path.</summary>
public static class Ids
{
    public const int MaxIdLength = 128;
    public const int MaxSlotLength = 64;
    public const int MaxIndex = 9999;

    /// <summary>1–128 of <c>A–Z a–z 0–9 . _ ~ -</c>, not starting with a dot: GUIDs, numbers and slugs.</summary>
    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxIdLength && id[0] != '.' && id.All(IsIdChar);

    /// <summary>1–64 of <c>A–Z a–z 0–9 _ -</c>, such as <c>file</c>, <c>attachment</c> or <c>fi_file</c>.</summary>
    public static bool IsValidSlot(string? slot) =>
        !string.IsNullOrEmpty(slot) && slot.Length <= MaxSlotLength && slot.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    public static bool IsValidIndex(int index) => index is >= 0 and <= MaxIndex;

    /// <summary>16 random hex digits, for server-made names such as API key ids.</summary>
    public static string NewShortId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or '-';
}
