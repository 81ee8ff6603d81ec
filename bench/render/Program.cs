using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Attache.Core.Ports;
using Attache.Core.Renditions;
using Attache.Rendering;

// Generates a three-hour deposition (2,000 monologues, 30,000 words, per-word elements with timestamps, as Rev
// delivers them) and renders it to each format, timing the whole step from JSON bytes to output bytes.
var output = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
Directory.CreateDirectory(output);
File.Delete(Path.Combine(output, "results.tsv"));

var json = Deposition.Generate(monologues: 2000, words: 30000, seconds: 3 * 3600);
if (Environment.GetEnvironmentVariable("RENDER_BENCH_PROFILE") == "1")
{
    await Profile.RunAsync(json);
    return;
}

await File.WriteAllBytesAsync(Path.Combine(output, "deposition.json"), json);
Console.WriteLine(FormattableString.Invariant($"deposition.json: {json.Length / 1024.0 / 1024.0:F1} MiB, 2000 monologues, 30000 words"));

using var fonts = new FontSet(new RenderingOptions().Fonts);
var renderer = new TranscriptRenderer(fonts);
var caption = new Dictionary<string, string>
{
    [Transcripts.CourtProperty] = "United States District Court, Northern District of California",
    [Transcripts.CaseNameProperty] = "Groß v. Acme Logistics, Inc., No. 3:24-cv-01137",
    [Transcripts.WitnessProperty] = "Renée Groß",
    [Transcripts.DateProperty] = "March 3, 2026",
};

foreach (var format in RenditionFormat.All)
{
    var request = new RenderRequest(format, TranscriptCharsets.Utf8, caption);
    var first = await RenderAsync(renderer, json, request);
    for (var i = 0; i < 3; i++)
    {
        await RenderAsync(renderer, json, request);
    }

    var wall = new List<double>();
    var cpu = new List<double>();
    byte[] bytes = [];
    for (var i = 0; i < runs; i++)
    {
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        (bytes, var ms) = await RenderAsync(renderer, json, request);
        cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds);
        wall.Add(ms);
    }

    wall.Sort();
    cpu.Sort();
    await File.WriteAllBytesAsync(Path.Combine(output, "deposition" + format.Extension), bytes);
    await File.AppendAllTextAsync(Path.Combine(output, "results.tsv"), FormattableString.Invariant($"{format.Name}\t{wall[wall.Count / 2]:F1}\t{wall[0]:F1}\n"));
    Console.WriteLine(FormattableString.Invariant(
        $"{format.Name,-4} first {first.Ms,7:F1} ms   median {wall[wall.Count / 2],7:F1} ms   min {wall[0],7:F1} ms   cpu median {cpu[cpu.Count / 2],7:F1} ms   {bytes.Length / 1024.0,6:F0} KiB   same bytes every run: {first.Bytes.AsSpan().SequenceEqual(bytes)}"));
}

static async Task<(byte[] Bytes, double Ms)> RenderAsync(TranscriptRenderer renderer, byte[] json, RenderRequest request)
{
    using var source = new MemoryStream(json, writable: false);
    using var destination = new MemoryStream();
    var started = Stopwatch.GetTimestamp();
    var failure = await renderer.RenderAsync(source, request, destination, CancellationToken.None);
    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    return failure is null ? (destination.ToArray(), ms) : throw new InvalidOperationException(failure.Message);
}

internal static class Deposition
{
    private static readonly string[] Vocabulary =
    [
        "the", "a", "and", "to", "of", "in", "that", "it", "was", "I", "you", "we", "on", "at", "for", "with", "this", "is",
        "had", "did", "not", "be", "have", "were", "there", "they", "he", "she", "my", "your", "about", "when", "what",
        "contract", "shipment", "warehouse", "invoice", "meeting", "email", "signature", "agreement", "manager", "office",
        "Tuesday", "morning", "afternoon", "document", "report", "truck", "driver", "pallet", "delivery", "schedule",
        "remember", "recall", "believe", "think", "know", "saw", "said", "told", "asked", "signed", "sent", "received",
        "Zürich", "Renée", "café", "Groß", "Müller", "approximately", "before", "after", "during", "because", "again",
    ];

    public static byte[] Generate(int monologues, int words, int seconds)
    {
        var random = new Random(20260303);
        var plan = new List<(string Type, int Speaker, int Words)>();
        for (var i = 0; i < monologues; i++)
        {
            plan.Add(i switch
            {
                0 => ("swear_in", 3, 0),
                1 => ("examination_title", 1, 0),
                2 => ("by_line", 1, 0),
                _ when i == monologues / 2 => ("examination_title", 4, 0),
                _ when i == (monologues / 2) + 1 => ("by_line", 4, 0),
                _ when i == monologues - 1 => ("proceeding_end", 3, 0),
                _ when i % 97 == 0 => ("exhibit", 3, 0),
                _ when i % 251 == 0 => ("other_parenthetical", 3, 0),
                _ when i % 37 == 0 => ("colloquy", 4, 4),
                _ => i % 2 == 1 ? ("question", i < monologues / 2 ? 1 : 4, 10) : ("answer", 2, 10),
            });
        }

        // Spread the words over the spoken monologues so that the total is exact.
        var spoken = plan.Count(p => p.Words > 0);
        var counts = plan.Select(p => p.Words > 0 ? words / spoken : 0).ToArray();
        for (int i = 0, left = words - counts.Sum(); left > 0; i = (i + 1) % counts.Length)
        {
            if (counts[i] > 0)
            {
                counts[i]++;
                left--;
            }
        }

        var perWord = seconds * 1000.0 / words;
        var clock = 0.0;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("speakers");
            foreach (var (id, name) in new[] { (1, "Mr. Smith"), (2, "Renée Groß"), (3, "Court Reporter"), (4, "Ms. Okafor") })
            {
                json.WriteStartObject();
                json.WriteNumber("id", id);
                json.WriteString("name", name);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("monologues");
            for (var i = 0; i < plan.Count; i++)
            {
                var (type, speaker, _) = plan[i];
                json.WriteStartObject();
                json.WriteNumber("id", i + 1);
                json.WriteNumber("speaker", speaker);
                json.WriteString("speaker_name", speaker switch { 1 => "Mr. Smith", 2 => "Renée Groß", 3 => "Court Reporter", _ => "Ms. Okafor" });
                json.WriteString("monologue_type", type);
                json.WriteStartArray("elements");
                var fixedText = type switch
                {
                    "swear_in" => "Renée Groß, having been first duly sworn, testified as follows:",
                    "examination_title" => i == 1 ? "Examination" : "Cross-Examination",
                    "by_line" => speaker == 1 ? "BY MR. SMITH:" : "BY MS. OKAFOR:",
                    "exhibit" => $"Exhibit {i / 97} was marked for identification.",
                    "other_parenthetical" => "A recess was taken.",
                    "proceeding_end" => "Whereupon, the deposition concluded at 4:12 p.m.",
                    _ => null,
                };
                if (fixedText is not null)
                {
                    Text(json, fixedText, null);
                }

                for (var w = 0; w < counts[i]; w++)
                {
                    if (w > 0)
                    {
                        Text(json, " ", null);
                    }

                    if (random.Next(400) == 0)
                    {
                        json.WriteStartObject();
                        json.WriteString("type", "tag");
                        json.WriteString("value", "inaudible");
                        json.WriteString("timestamp", Stamp(clock));
                        json.WriteEndObject();
                        Text(json, " ", null);
                    }

                    var word = Vocabulary[random.Next(Vocabulary.Length)];
                    Text(json, w == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word, clock);
                    clock += perWord;
                }

                if (counts[i] > 0)
                {
                    Text(json, type == "question" ? "?" : ".", null);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void Text(Utf8JsonWriter json, string value, double? at)
    {
        json.WriteStartObject();
        json.WriteString("type", "text");
        json.WriteString("value", value);
        if (at is { } ms)
        {
            json.WriteString("timestamp", Stamp(ms));
            json.WriteString("end_timestamp", Stamp(ms + 280));
        }

        json.WriteEndObject();
    }

    private static string Stamp(double ms)
    {
        var time = TimeSpan.FromMilliseconds(ms);
        return string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours:00}:{time.Minutes:00}:{time.Seconds:00},{time.Milliseconds:000}");
    }
}

/// <summary>RENDER_BENCH_PROFILE=1: where the text rendition's time goes, against a bare pass of the JSON reader.</summary>
internal static class Profile
{
    public static async Task RunAsync(byte[] json)
    {
        for (var i = 0; i < 8; i++)
        {
            var r0 = Stopwatch.GetTimestamp();
            var reader = new System.Text.Json.Utf8JsonReader(json);
            var tokens = 0;
            while (reader.Read())
            {
                tokens++;
            }

            Console.WriteLine(FormattableString.Invariant($"raw reader {Stopwatch.GetElapsedTime(r0).TotalMilliseconds:F1} ms, {tokens} tokens"));
            var t0 = Stopwatch.GetTimestamp();
            using var source = new MemoryStream(json, writable: false);
            var transcript = (await TranscriptReader.ReadAsync(source, CancellationToken.None)).Value;
            var t1 = Stopwatch.GetTimestamp();
            var layout = TranscriptLayout.Create(transcript, Caption.From(new Dictionary<string, string>(), "utf-8"), "utf-8");
            var t2 = Stopwatch.GetTimestamp();
            using var output = new MemoryStream();
            await PlainTextWriter.WriteAsync(layout, "utf-8", output, CancellationToken.None);
            var t3 = Stopwatch.GetTimestamp();
            Console.WriteLine(FormattableString.Invariant($"parse {Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds:F1}  layout {Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds:F1}  write {Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds:F1}"));
        }
    }
}
