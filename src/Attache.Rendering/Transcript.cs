using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Attache.Core;

namespace Attache.Rendering;

/// <summary>A transcript reduced to what a legal layout needs: per monologue, its type, speaker and text.</summary>
internal sealed record Transcript(IReadOnlyList<Monologue> Monologues);

/// <summary>One run of speech. <see cref="Text"/> has tags in brackets and single spaces between words.</summary>
internal sealed record Monologue(string Type, string Speaker, string Text);

/// <summary>The monologue types of the Rev legal transcript (seed 002).</summary>
internal static class MonologueTypes
{
    public const string Colloquy = "colloquy";
    public const string Question = "question";
    public const string Answer = "answer";
    public const string ByLine = "by_line";
    public const string Exhibit = "exhibit";
    public const string SwearIn = "swear_in";
    public const string ExaminationTitle = "examination_title";
    public const string OtherParenthetical = "other_parenthetical";
    public const string ProceedingEnd = "proceeding_end";
}

/// <summary>Reads Rev transcript JSON from a stream without holding it as one string.</summary>
internal static class TranscriptReader
{
    public static async Task<Outcome<Transcript>> ReadAsync(Stream source, CancellationToken cancellationToken)
    {
        TranscriptJson? json;
        try
        {
            json = await JsonSerializer.DeserializeAsync(source, TranscriptJsonContext.Default.TranscriptJson, cancellationToken);
        }
        catch (JsonException exception)
        {
            var path = string.IsNullOrEmpty(exception.Path) ? "$" : exception.Path;
            var where = exception.LineNumber is { } line ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})" : "";
            return new Failure.Invalid($"The transcript is not valid Rev transcript JSON at {path}{where}: {Reason(exception)}", path);
        }

        if (json is null)
        {
            return new Failure.Invalid("The transcript is JSON null, not an object with monologues.", "$");
        }

        if (json.Monologues is null)
        {
            return new Failure.Invalid("The transcript has no monologues array at $.monologues.", "$.monologues");
        }

        var names = new Dictionary<long, string>();
        foreach (var speaker in json.Speakers ?? [])
        {
            if (speaker?.Id is { } id && !string.IsNullOrWhiteSpace(speaker.Name))
            {
                names.TryAdd(id, speaker.Name.Trim());
            }
        }

        var monologues = new List<Monologue>(json.Monologues.Count);
        foreach (var monologue in json.Monologues)
        {
            if (monologue is null)
            {
                continue;
            }

            var speaker = !string.IsNullOrWhiteSpace(monologue.SpeakerName) ? monologue.SpeakerName.Trim()
                : monologue.Speaker is { } id ? names.GetValueOrDefault(id, $"Speaker {id}")
                : "";
            var type = string.IsNullOrWhiteSpace(monologue.MonologueType) ? MonologueTypes.Colloquy : monologue.MonologueType.Trim().ToLowerInvariant();
            monologues.Add(new Monologue(type, Collapse(speaker), Text(monologue.Elements)));
        }

        return new Transcript(monologues);
    }

    /// <summary>The text of the elements, tags in brackets with a space either side, whitespace runs made single spaces.</summary>
    private static string Text(List<ElementJson?>? elements)
    {
        var text = new StringBuilder();
        var afterTag = false;
        foreach (var element in elements ?? [])
        {
            if (element?.Value is not { } value)
            {
                continue;
            }

            if (string.Equals(element.Type, "tag", StringComparison.OrdinalIgnoreCase))
            {
                value = value.Trim();
                if (value.Length == 0)
                {
                    continue;
                }

                text.Append(' ').Append(value.StartsWith('[') ? value : $"[{value}]");
                afterTag = true;
                continue;
            }

            // Text, punctuation, and element types this renderer does not know: their value is what was said.
            if (afterTag && value.Length > 0 && !char.IsWhiteSpace(value[0]) && !IsClosing(value[0]))
            {
                text.Append(' ');
            }

            text.Append(value);
            afterTag = false;
        }

        return Collapse(text.ToString());
    }

    private static bool IsClosing(char c) => c is '.' or ',' or ';' or ':' or '?' or '!' or ')' or ']' or '\'' or '"';

    private static string Collapse(string text)
    {
        var collapsed = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (collapsed.Length > 0 && collapsed[^1] != ' ')
                {
                    collapsed.Append(' ');
                }
            }
            else
            {
                collapsed.Append(c);
            }
        }

        return collapsed.ToString().TrimEnd();
    }

    private static string Reason(JsonException exception)
    {
        // System.Text.Json appends the path and position to its messages; they are given separately above.
        var message = exception.InnerException?.Message ?? exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        return (cut < 0 ? message : message[..cut]).Trim();
    }
}

internal sealed class TranscriptJson
{
    [JsonPropertyName("speakers")]
    public List<SpeakerJson?>? Speakers { get; set; }

    [JsonPropertyName("monologues")]
    public List<MonologueJson?>? Monologues { get; set; }
}

internal sealed class SpeakerJson
{
    [JsonPropertyName("id")]
    public long? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

internal sealed class MonologueJson
{
    [JsonPropertyName("speaker")]
    public long? Speaker { get; set; }

    [JsonPropertyName("speaker_name")]
    public string? SpeakerName { get; set; }

    [JsonPropertyName("monologue_type")]
    public string? MonologueType { get; set; }

    [JsonPropertyName("elements")]
    public List<ElementJson?>? Elements { get; set; }
}

internal sealed class ElementJson
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("value")]
    public string? Value { get; set; }
}

// Rev's own sample carries /* comments */; numbers sometimes arrive as strings.
[JsonSourceGenerationOptions(
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(TranscriptJson))]
internal sealed partial class TranscriptJsonContext : JsonSerializerContext;
