using Attache.Core.Links;

namespace Attache.Core.Ports;

/// <summary>
/// Signs and verifies presigned-link tokens. Pure computation over keys held in memory: no I/O, thread-safe.
/// </summary>
public interface ILinkSigner
{
    /// <summary>A URL-safe token for the claims, signed with the current key (whose id <see cref="LinkClaims.KeyId"/> is ignored).</summary>
    string Sign(LinkClaims claims);

    /// <summary>
    /// The claims of a token this signer (with any of its keys) made, or null for anything else: malformed, too long,
    /// an unknown key id, or a signature that does not match. Never throws for bad input. Expiry is not checked here.
    /// </summary>
    LinkClaims? Verify(string token);
}
