using System.Text;
using Attache.Core;

namespace Attache.Rendering.Tests;

/// <summary>Defects the transcript fuzzer (fuzz/Attache.Fuzz, target "transcript") found, kept as regressions.</summary>
public sealed class ReaderFuzzFindingsTests
{
    // System.Text.Json quotes a bad literal together with the rest of its buffer: the answer echoed up to 256 KiB of the
    // body back, and its text depended on how the body happened to arrive.
    [Fact]
    public async Task A_bad_literal_is_named_without_echoing_the_body()
    {
        var json = "{\"monologues\": [ {\"speaker\": tru" + new string('x', 100_000) + "} ] }";

        var whole = await ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        var inPieces = await ReadAsync(new SmallReads(Encoding.UTF8.GetBytes(json)));

        var invalid = Assert.IsType<Failure.Invalid>(whole);
        Assert.Equal("$.monologues[0].speaker", invalid.Field);
        Assert.True(invalid.Message.Length < 300, invalid.Message);
        Assert.DoesNotContain("xxxx", invalid.Message, StringComparison.Ordinal);
        Assert.Equal(invalid.Message, inPieces?.Message);
    }

    // Comparing an escaped string with a known word throws when the escape is an unpaired surrogate; that escaped the
    // reader's failure handling as an exception.
    [Fact]
    public async Task An_unpaired_surrogate_escape_in_an_element_type_is_invalid_text_at_its_path()
    {
        var json = "{\"monologues\":[{\"speaker\":1,\"elements\":[{\"type\":\"\\ud800\",\"value\":\"x\"}]}]}";

        var invalid = Assert.IsType<Failure.Invalid>(await ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json))));

        Assert.Equal("$.monologues[0].elements[0].type", invalid.Field);
    }

    [Fact]
    public async Task A_member_name_with_an_unpaired_surrogate_escape_is_an_unknown_member()
    {
        var json = "{\"monologues\":[{\"speaker\":1,\"\\ud800\":\"x\",\"elements\":[{\"type\":\"text\",\"value\":\"kept\"}]}]}";

        var read = await TranscriptReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), TestContext.Current.CancellationToken);

        Assert.Null(read.Failure);
        Assert.Equal("kept", Assert.Single(read.Value!.Monologues).Text);
    }

    private static async Task<Failure?> ReadAsync(Stream source) => (await TranscriptReader.ReadAsync(source, TestContext.Current.CancellationToken)).Failure;

    private sealed class SmallReads(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 3)], cancellationToken);
    }
}
