namespace Attache.Fuzz;

/// <summary>
/// One parser or front end under fuzzing. <see cref="Run"/> feeds it one input and returns when the outcome is one the
/// target documents; anything else (an unexpected exception, a broken invariant) escapes as an exception, which
/// SharpFuzz reports to afl-fuzz as a crash.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name on the command line and of the seed corpus folder (fuzz/corpus/&lt;name&gt;).</summary>
    string Name { get; }

    void Run(ReadOnlySpan<byte> input);
}

/// <summary>A target answered with something its contract rules out.</summary>
public sealed class BrokenInvariantException(string message) : Exception(message);

/// <summary>Every target, by name.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } =
        [FileNameTarget.TargetName, RangeTarget.TargetName, LinkTokenTarget.TargetName, MultipartTarget.TargetName, TranscriptTarget.TargetName];

    /// <summary>A new instance of the target called <paramref name="name"/>, or null. The caller disposes it when it is disposable.</summary>
    public static IFuzzTarget? Create(string name) => name switch
    {
        FileNameTarget.TargetName => new FileNameTarget(),
        RangeTarget.TargetName => new RangeTarget(),
        LinkTokenTarget.TargetName => new LinkTokenTarget(),
        MultipartTarget.TargetName => new MultipartTarget(),
        TranscriptTarget.TargetName => new TranscriptTarget(),
        _ => null,
    };

    /// <summary>SharpFuzz hands inputs to a synchronous callback, so asynchronous targets are waited for here.</summary>
#pragma warning disable VSTHRD002 // No synchronisation context in a console harness: blocking cannot deadlock.
    internal static void Wait(Task task) => task.GetAwaiter().GetResult();

    internal static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();
#pragma warning restore VSTHRD002

    internal static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new BrokenInvariantException(message);
        }
    }
}
