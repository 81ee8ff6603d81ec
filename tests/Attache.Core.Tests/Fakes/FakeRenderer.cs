using System.Text;
using Attache.Core.Ports;

namespace Attache.Core.Tests.Fakes;

/// <summary>
/// Stands in for the transcript renderer (which lives in Attache.Rendering and is tested there): writes
/// "format/charset/caseName:" and the source bytes, counts its calls, and can be held until released.
/// A source starting with "bad" is invalid.
/// </summary>
internal sealed class FakeRenderer : IRenderer
{
    private int _calls;

    public string Revision => "fake-1";

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>When set, rendering waits for it.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>When set, the whole output, whatever the source.</summary>
    public byte[]? Output { get; set; }

    public async Task<Failure?> RenderAsync(Stream source, RenderRequest request, Stream destination, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (Hold is { } hold)
        {
            await hold.Task;
        }

        using var copy = new MemoryStream();
        await source.CopyToAsync(copy, cancellationToken);
        if (copy.ToArray().AsSpan().StartsWith("bad"u8))
        {
            return new Failure.Invalid("The transcript is not valid Rev transcript JSON at $.", "$");
        }

        if (Output is { } output)
        {
            await destination.WriteAsync(output, cancellationToken);
            return null;
        }

        var caseName = request.Properties.GetValueOrDefault("caseName", "");
        await destination.WriteAsync(Encoding.UTF8.GetBytes($"{request.Format.Name}/{request.Charset}/{caseName}:"), cancellationToken);
        await destination.WriteAsync(copy.ToArray(), cancellationToken);
        return null;
    }
}
