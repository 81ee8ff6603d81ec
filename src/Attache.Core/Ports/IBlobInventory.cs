namespace Attache.Core.Ports;

/// <summary>
/// The keys a blob store holds under their content names (staged bytes are not listed), so that blobs nothing refers to
/// any more can be found after a crash. Implemented by the blob stores beside <see cref="IBlobStore"/>.
/// </summary>
public interface IBlobInventory
{
    /// <summary>Every committed blob key, in no particular order; a blob committed while the listing runs may be missed.</summary>
    IAsyncEnumerable<string> ListKeysAsync(CancellationToken cancellationToken);
}
