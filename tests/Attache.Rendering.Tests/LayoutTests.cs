using System.Text;
using Attache.Core.Renditions;

namespace Attache.Rendering.Tests;

public sealed class LayoutTests
{
    [Fact]
    public async Task Plain_text_has_the_caption_page_then_every_monologue_type_on_numbered_lines()
    {
        var text = Encoding.UTF8.GetString(await Renders.RenderAsync(Renders.EveryType, RenditionFormat.Text));

        Assert.Equal(Expected.Text(Expected.CaptionPage, Expected.TestimonyPage), text);
    }

    [Fact]
    public async Task Without_caption_properties_the_testimony_starts_on_page_one_with_a_bare_running_head()
    {
        var text = Encoding.UTF8.GetString(await Renders.RenderAsync(Renders.EveryType, RenditionFormat.Text, caption: new Dictionary<string, string>()));

        var expected = new string(' ', 59) + "Page 1\r\n\r\n" + string.Join("", Expected.TestimonyPage.Select(r => r + "\r\n")) + "\r\n\r\n";
        Assert.Equal(expected, text);
    }

    [Fact]
    public async Task Long_testimony_runs_over_pages_of_25_lines_numbered_from_1()
    {
        var monologues = Enumerable.Range(1, 40).Select(i =>
            $$"""{ "speaker": {{1 + (i % 2)}}, "monologue_type": "{{(i % 2 == 1 ? "question" : "answer")}}", "elements": [ { "type": "text", "value": "Line {{i}}." } ] }""");
        var json = $$"""{ "speakers": [], "monologues": [ {{string.Join(",", monologues)}} ] }""";

        var pages = Encoding.UTF8.GetString(await Renders.RenderAsync(json, RenditionFormat.Text, caption: new Dictionary<string, string>())).Split('\f');

        Assert.Equal(2, pages.Length);
        var second = pages[1].Split("\r\n");
        Assert.EndsWith("Page 2", second[0], StringComparison.Ordinal);
        Assert.Equal(" 1        A.   Line 26.", second[2]);
        Assert.Equal("15        A.   Line 40.", second[16]);
        Assert.Equal("25", second[26]);
    }

    [Fact]
    public async Task Speakers_come_from_the_speaker_list_when_a_monologue_has_no_name_and_tags_need_no_surrounding_spaces()
    {
        const string json = """
            { "speakers": [ { "id": 7, "name": "Ms. Lee" } ],
              "monologues": [
                { "speaker": 7, "monologue_type": "colloquy", "elements": [
                    { "type": "text", "value": "I've never been here before" },
                    { "type": "tag", "value": "inaudible", "timestamp": "00:00:07,000" },
                    { "type": "text", "value": " " },
                    { "type": "text", "value": "so", "timestamp": "00:00:20,000", "end_timestamp": "00:00:20,138" },
                    { "type": "text", "value": " " },
                    { "type": "text", "value": "this", "timestamp": "00:00:20,222", "end_timestamp": "00:00:20,566" } ] },
                { "speaker": 9, "monologue_type": "colloquy", "elements": [ { "type": "text", "value": "Who am I?" } ] },
                { "speaker": 7, "monologue_type": "by_line", "elements": [] },
                { "monologue_type": "exhibit", "elements": [] },
                { "monologue_type": "question", "elements": [ { "type": "blink", "value": "Unknown elements still say something." } ] } ] }
            """;

        var rows = Encoding.UTF8.GetString(await Renders.RenderAsync(json, RenditionFormat.Text, caption: new Dictionary<string, string>())).Split("\r\n");

        Assert.Equal(" 1             MS. LEE:  I've never been here before [inaudible]", rows[2]);
        Assert.Equal(" 2   so this", rows[3]);
        Assert.Equal(" 3             SPEAKER 9:  Who am I?", rows[4]);
        Assert.Equal(" 4        BY MS. LEE:", rows[5]);
        Assert.Equal(" 5        Q.   Unknown elements still say something.", rows[6]);
    }
    [Fact]
    public async Task Line_breaks_and_control_characters_in_the_caption_properties_stay_on_the_numbered_lines()
    {
        var caption = new Dictionary<string, string>
        {
            [Transcripts.CaseNameProperty] = "Smith v. Jones,\r\n\tNo. 24-cv-0113\u0001",
            [Transcripts.WitnessProperty] = "Ann\nLee",
        };

        var text = Encoding.UTF8.GetString(await Renders.RenderAsync(Renders.EveryType, RenditionFormat.Text, caption: caption));

        var rows = text.Split('\f')[0].Split("\r\n");
        Assert.Equal("Smith v. Jones, No. 24-cv-0113" + new string(' ', 29) + "Page 1", rows[0]);
        Assert.Equal(" 2                  Smith v. Jones, No. 24-cv-0113", rows[3]);
        Assert.Equal(" 4                      DEPOSITION OF ANN LEE", rows[5]);
        Assert.Equal(1 + 1 + 25 + 1 + 1 + 1, rows.Length);
        Assert.Equal("                      Deposition of Ann Lee", rows[28]);
    }

    [Fact]
    public async Task Characters_xml_cannot_carry_in_the_caption_or_the_text_are_dropped_in_every_format()
    {
        const string json = """
            { "monologues": [ { "speaker_name": "Ann\uFFFF", "monologue_type": "colloquy", "elements": [ { "type": "text", "value": "Yes\uFFFE." } ] } ] }
            """;
        var caption = new Dictionary<string, string> { [Transcripts.CaseNameProperty] = "Smith\uFFFF v. Jones\u0002" };

        foreach (var format in Expected.Formats)
        {
            var bytes = await Renders.RenderAsync(json, format, caption: caption);
            if (format == RenditionFormat.Text)
            {
                var pages = Encoding.UTF8.GetString(bytes).Split('\f');
                Assert.StartsWith("Smith v. Jones ", pages[0], StringComparison.Ordinal);
                Assert.Equal(" 1             ANN:  Yes.", pages[1].Split("\r\n")[2]);
            }
        }
    }
    [Fact]
    public async Task A_speaker_name_longer_than_a_line_wraps_on_the_grid_like_a_long_word()
    {
        var name = "Mr. " + new string('W', 66);
        var json = $$"""{ "monologues": [ { "speaker_name": "{{name}}", "monologue_type": "colloquy", "elements": [ { "type": "text", "value": "Hello there." } ] } ] }""";

        var rows = Encoding.UTF8.GetString(await Renders.RenderAsync(json, RenditionFormat.Text, caption: new Dictionary<string, string>())).Split("\r\n");

        Assert.Equal(" 1             MR. " + new string('W', 46), rows[2]);
        Assert.Equal(" 2   " + new string('W', 20) + ":  Hello there.", rows[3]);
        Assert.All(rows, row => Assert.True(Columns.Of(row) <= TranscriptLayout.RowWidth, row));
    }
}
