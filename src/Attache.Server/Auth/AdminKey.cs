using Attache.Core.Principals;

namespace Attache.Server.Auth;

/// <summary>
/// <c>Attache:AdminApiKey</c>, when configured: a key that acts as the <c>admin</c> principal whatever the store holds.
/// Only its SHA-256 is kept in memory.
/// </summary>
internal sealed class AdminKey
{
    public const string ConfigurationKey = "Attache:AdminApiKey";
    private readonly byte[]? _hash;

    public AdminKey(IConfiguration configuration) =>
        _hash = configuration[ConfigurationKey] is { Length: > 0 } configured ? Secrets.Digest(configured) : null;

    public bool IsConfigured => _hash is not null;

    public bool Matches(string presented) =>
        _hash is not null && Secrets.Matches(presented, _hash);
}
