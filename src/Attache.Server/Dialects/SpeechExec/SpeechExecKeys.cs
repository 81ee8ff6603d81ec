using Attache.Core.Ports;
using Attache.Core.Principals;
using Microsoft.Extensions.Primitives;

namespace Attache.Server.Dialects.SpeechExec;

/// <summary>
/// The <c>x-sps-api-key</c> check: the keys configured under <c>Attache:Dialects:SpeechExec:ApiKeys</c>, kept only as
/// SHA-256 and compared in constant time, then the server keys an import stored (as SHA-256).
/// </summary>
internal sealed class SpeechExecKeys(IReadOnlyList<byte[]> configuredHashes, IPrincipalStore store)
{
    public const string Header = "x-sps-api-key";

    public static IReadOnlyList<byte[]> HashesOf(IConfigurationSection keys)
    {
        // A list (ApiKeys:0, ApiKeys:1, …) or, like the product's setting, one value with the keys separated by '|'.
        var values = keys.Value is { Length: > 0 } joined ? joined.Split('|') : keys.GetChildren().Select(k => k.Value ?? "");
        return values.Where(v => v.Length > 0).Select(v => Secrets.Digest(v)).ToList();
    }

    public async Task<bool> AcceptsAsync(StringValues header, CancellationToken cancellationToken)
    {
        if (header.Count != 1 || Unquote(header[0]) is not { Length: > 0 } key)
        {
            return false;
        }

        var hash = Secrets.Digest(key);
        var configured = false;
        foreach (var candidate in configuredHashes)
        {
            configured |= Secrets.Equal(hash, candidate);
        }

        return configured || await store.IsServerApiKeyAsync(Convert.ToHexStringLower(hash), cancellationToken);
    }

    // The product's documentation writes header values in quotes; a client copying it literally still gets in.
    private static string? Unquote(string? value) =>
        value is { Length: >= 2 } && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
}
