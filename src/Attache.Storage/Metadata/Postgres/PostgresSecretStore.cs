using Attache.Core.Ports;
using static Attache.Storage.Metadata.Postgres.PostgresDatabase;

namespace Attache.Storage.Metadata.Postgres;

/// <summary><see cref="ISecretStore"/> in the <c>secrets</c> table of the shared PostgreSQL database.</summary>
public sealed class PostgresSecretStore(PostgresDatabase database, TimeProvider time) : ISecretStore
{
    public async Task<string> GetOrAddAsync(string name, string candidate, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(candidate);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var insert = Command(connection,
            "INSERT INTO secrets (name, value, created) VALUES (@name, @value, @created) ON CONFLICT (name) DO NOTHING;"))
        {
            AddText(insert, "name", name);
            AddText(insert, "value", candidate);
            AddTime(insert, "created", time.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // A statement of its own: under read committed it sees the value a racing node committed while this insert waited.
        await using var select = Command(connection, "SELECT value FROM secrets WHERE name = @name;");
        AddText(select, "name", name);
        return (string?)await select.ExecuteScalarAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The secret '{name}' was neither found nor stored.");
    }
}
