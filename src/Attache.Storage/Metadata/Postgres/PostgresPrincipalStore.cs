using System.Text.Json;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Attache.Storage.Metadata.Sqlite;
using Npgsql;
using static Attache.Storage.Metadata.Postgres.PostgresDatabase;

namespace Attache.Storage.Metadata.Postgres;

/// <summary><see cref="IPrincipalStore"/> on the shared PostgreSQL database, so sessions and keys hold on every node at once.</summary>
public sealed class PostgresPrincipalStore(PostgresDatabase database) : IPrincipalStore
{
    private const string Columns =
        "name, display_name, kind, groups, enabled, email, password_hash, client_id, client_secret_hash, created, modified";

    private const string PrefixedColumns =
        "p.name, p.display_name, p.kind, p.groups, p.enabled, p.email, p.password_hash, p.client_id, p.client_secret_hash, p.created, p.modified";

    private const string InsertSql = $"""
        INSERT INTO principals ({Columns})
        VALUES (@name, @display_name, @kind, @groups, @enabled, @email, @password_hash, @client_id, @client_secret_hash, @created, @modified);
        """;

    private const string UpdateSql = """
        UPDATE principals
        SET display_name = @display_name, kind = @kind, groups = @groups, enabled = @enabled, email = @email,
            password_hash = @password_hash, client_id = @client_id, client_secret_hash = @client_secret_hash,
            created = @created, modified = @modified
        WHERE name = @name;
        """;

    public Task<Principal?> FindAsync(string name, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM principals WHERE name = @value;", name, cancellationToken);

    public Task<Principal?> FindByClientIdAsync(string clientId, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM principals WHERE client_id = @value;", clientId, cancellationToken);

    /// <summary>Matches ignoring ASCII case, as the unique index on <c>lower(email)</c> (under "C") does.</summary>
    public Task<Principal?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM principals WHERE lower(email) = lower(@value COLLATE \"C\");", email, cancellationToken);

    public Task<Principal?> FindByApiKeyAsync(string sha256, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {PrefixedColumns} FROM api_keys k JOIN principals p ON p.name = k.principal WHERE k.sha256 = @value;",
            sha256, cancellationToken);

    public async Task<IReadOnlyList<Principal>> ListAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {Columns} FROM principals WHERE @after::text IS NULL OR name > @after ORDER BY name LIMIT @limit;");
        AddText(command, "after", after);
        AddInteger(command, "limit", limit);
        return await ReadAllAsync(command, r => Read(r), cancellationToken);
    }

    public async Task<bool> TryCreateAsync(Principal principal, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await WriteAsync(connection, null, principal, insert: true, cancellationToken);
    }

    public async Task<bool> UpdateAsync(Principal principal, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await WriteAsync(connection, null, principal, insert: false, cancellationToken);
    }

    public async Task AddApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (!await AddApiKeyAsync(connection, null, key, cancellationToken))
        {
            throw new InvalidOperationException("That API key belongs to another principal.");
        }
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(string principal, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT id, principal, sha256, created FROM api_keys WHERE principal = @principal ORDER BY created, id;");
        AddText(command, "principal", principal);
        return await ReadAllAsync(command,
            r => new ApiKeyRecord(r.GetString(0), r.GetString(1), r.GetString(2), Time(r, 3)), cancellationToken);
    }

    public async Task<bool> RevokeApiKeyAsync(string principal, string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM api_keys WHERE principal = @principal AND id = @id;");
        AddText(command, "principal", principal);
        AddText(command, "id", keyId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task AddSessionAsync(SessionRecord session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "INSERT INTO sessions (sha256, principal, created, expires) VALUES (@sha256, @principal, @created, @expires);");
        AddText(command, "sha256", session.Sha256);
        AddText(command, "principal", session.Principal);
        AddTime(command, "created", session.Created);
        AddTime(command, "expires", session.Expires);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<(SessionRecord Session, Principal Principal)?> FindSessionAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT s.created, s.expires, {PrefixedColumns} FROM sessions s JOIN principals p ON p.name = s.principal WHERE s.sha256 = @sha256;");
        AddText(command, "sha256", sha256);
        var found = await ReadAllAsync(command, reader =>
        {
            var principal = Read(reader, 2);
            return (new SessionRecord(sha256, principal.Name, Time(reader, 0), Time(reader, 1)), principal);
        }, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<bool> DeleteSessionAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM sessions WHERE sha256 = @sha256;");
        AddText(command, "sha256", sha256);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> DeleteSessionsAsync(string principal, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM sessions WHERE principal = @principal;");
        AddText(command, "principal", principal);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM sessions WHERE expires <= @now;");
        AddTime(command, "now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> IsServerApiKeyAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM server_api_keys WHERE sha256 = @sha256);");
        AddText(command, "sha256", sha256);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken) ?? false);
    }

    /// <summary>
    /// Inserts or replaces a principal, alone or inside an import's transaction; false when a unique column is
    /// another's (PostgreSQL has then aborted the transaction, which the caller rolls back).
    /// </summary>
    internal static async Task<bool> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Principal principal, bool insert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await using var command = Command(connection, insert ? InsertSql : UpdateSql, transaction);
        AddText(command, "name", principal.Name);
        AddText(command, "display_name", principal.DisplayName);
        AddText(command, "kind", principal.Kind);
        AddText(command, "groups", JsonSerializer.Serialize(principal.Groups.ToList(), MetadataJsonContext.Default.ListString));
        command.Parameters.AddWithValue("enabled", principal.Enabled);
        AddText(command, "email", principal.Email);
        AddText(command, "password_hash", principal.PasswordHash);
        AddText(command, "client_id", principal.ClientId);
        AddText(command, "client_secret_hash", principal.ClientSecretHash);
        AddTime(command, "created", principal.Created);
        AddTime(command, "modified", principal.Modified);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        catch (PostgresException exception) when (IsUniqueViolation(exception))
        {
            return false;
        }
    }

    /// <summary>
    /// Adds an API key; a key whose hash is already stored for the same principal is left as it is. False when the key
    /// is another principal's.
    /// </summary>
    internal static async Task<bool> AddApiKeyAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using (var insert = Command(connection, """
            INSERT INTO api_keys (sha256, id, principal, created) VALUES (@sha256, @id, @principal, @created)
            ON CONFLICT (sha256) DO NOTHING;
            """, transaction))
        {
            AddText(insert, "sha256", key.Sha256);
            AddText(insert, "id", key.Id);
            AddText(insert, "principal", key.Principal);
            AddTime(insert, "created", key.Created);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // A statement of its own, so that under read committed it sees a row a concurrent insert just committed.
        await using var holder = Command(connection, "SELECT principal FROM api_keys WHERE sha256 = @sha256;", transaction);
        AddText(holder, "sha256", key.Sha256);
        return (string?)await holder.ExecuteScalarAsync(cancellationToken) == key.Principal;
    }

    internal static async Task AddServerApiKeyAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sha256, DateTimeOffset created, CancellationToken cancellationToken)
    {
        await using var command = Command(connection,
            "INSERT INTO server_api_keys (sha256, created) VALUES (@sha256, @created) ON CONFLICT (sha256) DO NOTHING;", transaction);
        AddText(command, "sha256", sha256);
        AddTime(command, "created", created);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<Principal?> FindOneAsync(string sql, string value, CancellationToken cancellationToken)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            // PostgreSQL text cannot hold NUL, so no stored principal has it; asking would be an error, not an answer.
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, sql);
        AddText(command, "value", value);
        return (await ReadAllAsync(command, r => Read(r), cancellationToken)).SingleOrDefault();
    }

    private static Principal Read(NpgsqlDataReader reader, int first = 0) => new()
    {
        Name = reader.GetString(first),
        DisplayName = reader.GetString(first + 1),
        Kind = reader.GetString(first + 2),
        Groups = JsonSerializer.Deserialize(reader.GetString(first + 3), MetadataJsonContext.Default.ListString) ?? [],
        Enabled = reader.GetBoolean(first + 4),
        Email = NullableString(reader, first + 5),
        PasswordHash = NullableString(reader, first + 6),
        ClientId = NullableString(reader, first + 7),
        ClientSecretHash = NullableString(reader, first + 8),
        Created = Time(reader, first + 9),
        Modified = Time(reader, first + 10),
    };
}
