using System.Text.Json;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Microsoft.Data.Sqlite;
using static Attache.Storage.Metadata.Sqlite.SqliteDatabase;

namespace Attache.Storage.Metadata.Sqlite;

/// <summary><see cref="IPrincipalStore"/> on the shared SQLite file.</summary>
public sealed class SqlitePrincipalStore(SqliteDatabase database) : IPrincipalStore
{
    private const int UniqueViolation = 2067;
    private const int PrimaryKeyViolation = 1555;

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
        database.Reads.GetOrReadAsync("principal", name, 0, () => FindOneAsync($"SELECT {Columns} FROM principals WHERE name = @value;", name, cancellationToken));

    public Task<Principal?> FindByClientIdAsync(string clientId, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM principals WHERE client_id = @value;", clientId, cancellationToken);

    public Task<Principal?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {Columns} FROM principals WHERE email = @value;", email, cancellationToken);

    public Task<Principal?> FindByApiKeyAsync(string sha256, CancellationToken cancellationToken) =>
        database.Reads.GetOrReadAsync("api-key", sha256, 0, () => FindOneAsync($"SELECT {PrefixedColumns} FROM api_keys k JOIN principals p ON p.name = k.principal WHERE k.sha256 = @value;",
            sha256, cancellationToken), keepAbsent: false);

    public async Task<IReadOnlyList<Principal>> ListAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {Columns} FROM principals WHERE @after IS NULL OR name > @after COLLATE BINARY ORDER BY name COLLATE BINARY LIMIT @limit;");
        command.Parameters.AddWithValue("@after", Nullable(after));
        command.Parameters.AddWithValue("@limit", limit);
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
        command.Parameters.AddWithValue("@principal", principal);
        return await ReadAllAsync(command,
            r => new ApiKeyRecord(r.GetString(0), r.GetString(1), r.GetString(2), ParseTime(r.GetString(3))), cancellationToken);
    }

    public async Task<bool> RevokeApiKeyAsync(string principal, string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM api_keys WHERE principal = @principal AND id = @id;");
        command.Parameters.AddWithValue("@principal", principal);
        command.Parameters.AddWithValue("@id", keyId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task AddSessionAsync(SessionRecord session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "INSERT INTO sessions (sha256, principal, created, expires) VALUES (@sha256, @principal, @created, @expires);");
        command.Parameters.AddWithValue("@sha256", session.Sha256);
        command.Parameters.AddWithValue("@principal", session.Principal);
        command.Parameters.AddWithValue("@created", Time(session.Created));
        command.Parameters.AddWithValue("@expires", Time(session.Expires));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<(SessionRecord Session, Principal Principal)?> FindSessionAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT s.created, s.expires, {PrefixedColumns} FROM sessions s JOIN principals p ON p.name = s.principal WHERE s.sha256 = @sha256;");
        command.Parameters.AddWithValue("@sha256", sha256);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var principal = Read(reader, 2);
        return (new SessionRecord(sha256, principal.Name, ParseTime(reader.GetString(0)), ParseTime(reader.GetString(1))), principal);
    }

    public async Task<bool> DeleteSessionAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM sessions WHERE sha256 = @sha256;");
        command.Parameters.AddWithValue("@sha256", sha256);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> DeleteSessionsAsync(string principal, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM sessions WHERE principal = @principal;");
        command.Parameters.AddWithValue("@principal", principal);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM sessions WHERE expires <= @now;");
        command.Parameters.AddWithValue("@now", Time(now));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<bool> IsServerApiKeyAsync(string sha256, CancellationToken cancellationToken) =>
        database.Reads.GetOrReadAsync("server-api-key", sha256, 0, () => QueryIsServerApiKeyAsync(sha256, cancellationToken), keepAbsent: false);

    private async Task<bool> QueryIsServerApiKeyAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM server_api_keys WHERE sha256 = @sha256);");
        command.Parameters.AddWithValue("@sha256", sha256);
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L) == 1;
    }

    /// <summary>Inserts or replaces a principal inside a transaction of an import; false when a unique column is another's.</summary>
    internal static async Task<bool> WriteAsync(
        SqliteConnection connection, SqliteTransaction? transaction, Principal principal, bool insert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await using var command = Command(connection, insert ? InsertSql : UpdateSql, transaction);
        var parameters = command.Parameters;
        parameters.AddWithValue("@name", principal.Name);
        parameters.AddWithValue("@display_name", principal.DisplayName);
        parameters.AddWithValue("@kind", principal.Kind);
        parameters.AddWithValue("@groups", JsonSerializer.Serialize(principal.Groups.ToList(), MetadataJsonContext.Default.ListString));
        parameters.AddWithValue("@enabled", principal.Enabled ? 1 : 0);
        parameters.AddWithValue("@email", Nullable(principal.Email));
        parameters.AddWithValue("@password_hash", Nullable(principal.PasswordHash));
        parameters.AddWithValue("@client_id", Nullable(principal.ClientId));
        parameters.AddWithValue("@client_secret_hash", Nullable(principal.ClientSecretHash));
        parameters.AddWithValue("@created", Time(principal.Created));
        parameters.AddWithValue("@modified", Time(principal.Modified));
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        catch (SqliteException exception) when (exception.SqliteExtendedErrorCode is UniqueViolation or PrimaryKeyViolation)
        {
            return false;
        }
    }

    /// <summary>
    /// Adds an API key; a key whose hash is already stored for the same principal is left as it is. False when the key
    /// is another principal's.
    /// </summary>
    internal static async Task<bool> AddApiKeyAsync(
        SqliteConnection connection, SqliteTransaction? transaction, ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = Command(connection, """
            INSERT INTO api_keys (sha256, id, principal, created) VALUES (@sha256, @id, @principal, @created)
            ON CONFLICT (sha256) DO NOTHING;
            SELECT principal FROM api_keys WHERE sha256 = @sha256;
            """, transaction);
        command.Parameters.AddWithValue("@sha256", key.Sha256);
        command.Parameters.AddWithValue("@id", key.Id);
        command.Parameters.AddWithValue("@principal", key.Principal);
        command.Parameters.AddWithValue("@created", Time(key.Created));
        return (string?)await command.ExecuteScalarAsync(cancellationToken) == key.Principal;
    }

    internal static async Task AddServerApiKeyAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sha256, DateTimeOffset created, CancellationToken cancellationToken)
    {
        await using var command = Command(connection,
            "INSERT INTO server_api_keys (sha256, created) VALUES (@sha256, @created) ON CONFLICT (sha256) DO NOTHING;", transaction);
        command.Parameters.AddWithValue("@sha256", sha256);
        command.Parameters.AddWithValue("@created", Time(created));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<Principal?> FindOneAsync(string sql, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, sql);
        command.Parameters.AddWithValue("@value", value);
        return (await ReadAllAsync(command, r => Read(r), cancellationToken)).SingleOrDefault();
    }

    private static Principal Read(SqliteDataReader reader, int first = 0) => new()
    {
        Name = reader.GetString(first),
        DisplayName = reader.GetString(first + 1),
        Kind = reader.GetString(first + 2),
        Groups = JsonSerializer.Deserialize(reader.GetString(first + 3), MetadataJsonContext.Default.ListString) ?? [],
        Enabled = reader.GetInt64(first + 4) != 0,
        Email = NullableString(reader, first + 5),
        PasswordHash = NullableString(reader, first + 6),
        ClientId = NullableString(reader, first + 7),
        ClientSecretHash = NullableString(reader, first + 8),
        Created = ParseTime(reader.GetString(first + 9)),
        Modified = ParseTime(reader.GetString(first + 10)),
    };
}
