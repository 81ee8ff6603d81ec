using System.Security.Cryptography;
using System.Text;
using Attache.Storage;

namespace Attache.Server.Auth;

/// <summary>
/// The one key that acts as the <c>admin</c> principal until principals land. Only its SHA-256 is kept in memory
/// and on disk; a first start without a configured key makes one and prints it once.
/// </summary>
internal sealed class AdminKey
{
    private const string HashFileName = "admin-key.sha256";
    private readonly byte[] _hash;

    private AdminKey(byte[] hash) => _hash = hash;

    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _hash);

    public static AdminKey Load(IConfiguration configuration, string dataPath, ILogger logger)
    {
        if (configuration["Attache:AdminApiKey"] is { Length: > 0 } configured)
        {
            return new AdminKey(SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
        }

        Directory.CreateDirectory(dataPath);
        var hashFile = Path.Combine(dataPath, HashFileName);
        if (File.Exists(hashFile))
        {
            var stored = File.ReadAllText(hashFile).Trim();
            if (stored.Length != 64 || !stored.All(char.IsAsciiHexDigit))
            {
                throw new InvalidOperationException(
                    $"The admin key hash in {hashFile} is damaged (64 hex digits expected). Delete the file to make a new key, "
                    + "or set Attache:AdminApiKey.");
            }

            return new AdminKey(Convert.FromHexString(stored));
        }

        var key = "atk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        DurableFile.WriteAllText(hashFile, Convert.ToHexStringLower(hash) + "\n");
        logger.LogWarning(
            "No Attache:AdminApiKey was configured, so an admin API key was created. It is shown only this once: {AdminApiKey} " +
            "(only its hash is kept, in {HashFile}; delete that file to make a new key)", key, hashFile);
        return new AdminKey(hash);
    }
}
