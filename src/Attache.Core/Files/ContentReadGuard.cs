namespace Attache.Core.Files;

/// <summary>
/// Passes a client's content through and remembers whether reading it failed, so that a client that went away or sent
/// a broken body is told apart from a fault of the store the bytes were going to.
/// </summary>
internal sealed class ContentReadGuard(Stream inner) : ReadOnlyPassThroughStream(inner)
{
    public bool Failed { get; private set; }

    protected override Exception? ReadFailed(Exception exception)
    {
        Failed = true;
        return null;
    }
}
