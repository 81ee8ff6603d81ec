namespace Attache.Core.Ports;

/// <summary>
/// Server-wide secrets (token signing keys, link keys) kept where every node reads them, so that a second node trusts
/// what the first one signed.
/// </summary>
public interface ISecretStore
{
    /// <summary>
    /// The value stored under <paramref name="name"/>; when there is none, stores <paramref name="candidate"/> and returns it.
    /// Nodes racing to add the same name all get the one value that was stored first.
    /// </summary>
    Task<string> GetOrAddAsync(string name, string candidate, CancellationToken cancellationToken);
}
