using Attache.Core;
using Attache.Rendering;

namespace Attache.Fuzz;

/// <summary>
/// <see cref="TranscriptReader"/>: a transcript or <see cref="Failure.Invalid"/>. Each input is read twice, whole and
/// a few bytes at a time, and both reads must agree: the reader's buffering must not change what it makes of a body.
/// </summary>
public sealed class TranscriptTarget : IFuzzTarget
{
    public const string TargetName = "transcript";

    public string Name => TargetName;

    public void Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        var whole = Read(new MemoryStream(bytes));
        var trickled = Read(new TrickleStream(bytes, 1 + (bytes.Length % 7)));

        if (whole.TryGetValue(out var transcript, out var failure))
        {
            FuzzTargets.Require(trickled.TryGetValue(out var other, out _), "read whole it is a transcript, read in pieces it is not");
            FuzzTargets.Require(transcript.Monologues.SequenceEqual(other!.Monologues), "the two reads give different transcripts");
            return;
        }

        FuzzTargets.Require(failure is Failure.Invalid, $"expected Invalid, got {failure}");
        FuzzTargets.Require(!trickled.TryGetValue(out _, out var otherFailure) && otherFailure!.Message == failure.Message,
            $"the two reads fail differently: '{failure.Message}' and '{otherFailure?.Message}'");
    }

    private static Outcome<Transcript> Read(Stream source) =>
        FuzzTargets.Wait(TranscriptReader.ReadAsync(source, CancellationToken.None));

    /// <summary>Hands out at most a few bytes per read, as a slow client's body arrives.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : MemoryStream(bytes, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, chunk), cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
