using System.Security.Cryptography;
using Attache.Core.Links;
using Attache.Core.Ports;

namespace Attache.Server.Links;

/// <summary>
/// The link key ring: the keys under <c>Attache:Links:Keys:&lt;id&gt;</c> (base64, at least 32 bytes) with
/// <c>Attache:Links:CurrentKey</c> signing, when any are configured; otherwise one key generated on first start and kept
/// in the secret store, so that every node verifies what another signed. Loaded before the first request.
/// </summary>
internal sealed class LinkKeys(IConfiguration configuration, ISecretStore secrets, ILogger<LinkKeys> logger) : IHostedService
{
    public const string KeysSection = "Attache:Links:Keys";
    public const string CurrentKeySetting = "Attache:Links:CurrentKey";

    /// <summary>The id of the generated key, and the secret-store name its base64 value is kept under.</summary>
    public const string GeneratedKeyId = "s1";
    public const string GeneratedSecretName = "links:" + GeneratedKeyId;

    private LinkKeyRing? _ring;

    public LinkKeyRing Ring => _ring ?? throw new InvalidOperationException("The link keys are loaded when the server starts.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (FromConfiguration(configuration) is { } configured)
        {
            _ring = configured;
            logger.LogInformation("Links are signed with the configured key {KeyId}; {Count} keys verify", configured.CurrentKeyId, configured.KeyIds.Count);
            return;
        }

        var candidate = Convert.ToBase64String(RandomNumberGenerator.GetBytes(LinkKeyRing.MinKeyBytes));
        var stored = await secrets.GetOrAddAsync(GeneratedSecretName, candidate, cancellationToken);
        _ring = new LinkKeyRing(new Dictionary<string, byte[]> { [GeneratedKeyId] = Convert.FromBase64String(stored) }, GeneratedKeyId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The configured ring, null when none is configured; a broken setting throws a message that names it.</summary>
    public static LinkKeyRing? FromConfiguration(IConfiguration configuration)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection(KeysSection).GetChildren())
        {
            var setting = $"{KeysSection}:{entry.Key}";
            if (!LinkKeyRing.IsValidKeyId(entry.Key))
            {
                throw new InvalidOperationException(
                    $"{setting}: a link key id is 1 to {LinkKeyRing.MaxKeyIdLength} letters, digits, '_' or '-'.");
            }

            byte[] key;
            try
            {
                key = Convert.FromBase64String(entry.Value ?? "");
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{setting} must be base64.");
            }

            if (key.Length < LinkKeyRing.MinKeyBytes)
            {
                throw new InvalidOperationException($"{setting} must be at least {LinkKeyRing.MinKeyBytes} bytes (base64 of {LinkKeyRing.MinKeyBytes} random bytes or more).");
            }

            keys[entry.Key] = key;
        }

        var current = configuration[CurrentKeySetting];
        if (keys.Count == 0)
        {
            return string.IsNullOrEmpty(current)
                ? null
                : throw new InvalidOperationException($"{CurrentKeySetting} is '{current}', but no keys are configured under {KeysSection}.");
        }

        if (string.IsNullOrEmpty(current))
        {
            return keys.Count == 1
                ? new LinkKeyRing(keys, keys.Keys.Single())
                : throw new InvalidOperationException($"{CurrentKeySetting} must name the key that signs: one of {string.Join(", ", keys.Keys)}.");
        }

        return keys.ContainsKey(current)
            ? new LinkKeyRing(keys, current)
            : throw new InvalidOperationException($"{CurrentKeySetting} is '{current}', which is not among {KeysSection}: {string.Join(", ", keys.Keys)}.");
    }
}
