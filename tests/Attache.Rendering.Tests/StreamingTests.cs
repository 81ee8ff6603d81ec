using System.Text;
using Attache.Core.Ports;
using Attache.Core.Renditions;

namespace Attache.Rendering.Tests;

public sealed class StreamingTests
{
    [Fact]
    public async Task A_transcript_that_arrives_a_few_bytes_at_a_time_renders_the_same()
    {
        var whole = await Renders.RenderAsync(Renders.EveryType, RenditionFormat.Text);

        using var output = new MemoryStream();
        using var trickle = new TrickleStream(Encoding.UTF8.GetBytes(Renders.EveryType), 7);
        var failure = await Renders.Renderer.RenderAsync(trickle, new RenderRequest(RenditionFormat.Text, "utf-8", Renders.Caption), output, Renders.Token);

        Assert.Null(failure);
        Assert.Equal(whole, output.ToArray());
    }

    [Fact]
    public async Task A_value_longer_than_the_read_buffer_and_unknown_members_of_any_shape_are_read()
    {
        var word = new string('x', 50_000);
        var json = $$"""
            { "version": { "a": [1, {"b": [[], {}]}] }, "speakers": [ { "id": "4", "name": "Dr. Who", "extra": [ { } ] } ],
              "monologues": [ null, { "speaker": 4, "monologue_type": "colloquy", "meta": { "x": [ "y" ] },
                "elements": [ { "type": "text", "value": "{{string.Join(" ", Enumerable.Repeat(word, 3))}}", "confidence": [0.5] } ] } ] }
            """;

        using var output = new MemoryStream();
        using var trickle = new TrickleStream(Encoding.UTF8.GetBytes(json), 4096);
        var failure = await Renders.Renderer.RenderAsync(trickle, new RenderRequest(RenditionFormat.Text, "utf-8", new Dictionary<string, string>()), output, Renders.Token);

        Assert.Null(failure);
        var rows = Encoding.UTF8.GetString(output.ToArray()).Split("\r\n");
        Assert.Equal(" 1             DR. WHO:  " + new string('x', 40), rows[2]);
        Assert.Equal(" 2   " + new string('x', 60), rows[3]);
        Assert.Equal(3 * 50_000, rows.Sum(r => r.Count(c => c == 'x')));
    }

    /// <summary>A stream that hands out at most a few bytes a read, as a slow network or disk might.</summary>
    private sealed class TrickleStream(byte[] bytes, int step) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(step, buffer.Length)], cancellationToken);
    }
}
