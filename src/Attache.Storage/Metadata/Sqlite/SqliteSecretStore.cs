using Attache.Core.Ports;
using static Attache.Storage.Metadata.Sqlite.SqliteDatabase;

namespace Attache.Storage.Metadata.Sqlite;

/// <summary><see cref="ISecretStore"/> in the <c>secrets</c> table of the shared SQLite file.</summary>
public sealed class SqliteSecretStore(SqliteDatabase database) : ISecretStore
{
    public async Task<string> GetOrAddAsync(string name, string candidate, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(candidate);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            INSERT INTO secrets (name, value, created) VALUES (@name, @value, @created) ON CONFLICT (name) DO NOTHING;
            SELECT value FROM secrets WHERE name = @name;
            """);
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@value", candidate);
        command.Parameters.AddWithValue("@created", Time(TimeProvider.System.GetUtcNow()));
        return (string?)await command.ExecuteScalarAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The secret '{name}' was neither found nor stored.");
    }
}
