using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Attache.Storage.Metadata.Postgres;

/// <summary>
/// The PostgreSQL database every PostgreSQL-backed store shares: a pooled data source, and the schema migrations, run
/// under an advisory lock so that nodes starting together migrate once. Times are stored as the same fixed-width
/// ISO-8601 UTC text as in SQLite (ordered by the "C" collation), so they round-trip to the tick, which
/// <c>timestamptz</c> (microseconds) would not.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    /// <summary>Advisory lock key held while migrating; an arbitrary constant of Attache's.</summary>
    private const long MigrationLockKey = 0x4174_7461_6368_6501;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresDatabase> _logger;

    public PostgresDatabase(string connectionString, ILogger<PostgresDatabase> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _logger = logger;
    }

    /// <summary>Creates the schema or migrates it to the current version. Safe to call on every start, from many nodes at once.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var lockCommand = Command(connection, "SELECT pg_advisory_lock(@key);"))
        {
            lockCommand.Parameters.AddWithValue("@key", MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using (var create = Command(connection,
                "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now());"))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            while (true)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                int current;
                await using (var version = Command(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", transaction))
                {
                    current = (int)(await version.ExecuteScalarAsync(cancellationToken) ?? 0);
                }

                if (current > PostgresMigrations.Scripts.Count)
                {
                    throw new InvalidOperationException(
                        $"The metadata database '{connection.Database}' has schema version {current}, but this build of Attache knows "
                        + $"versions up to {PostgresMigrations.Scripts.Count}. Run a newer Attache, or restore a backup made for this version.");
                }

                if (current == PostgresMigrations.Scripts.Count)
                {
                    await transaction.CommitAsync(cancellationToken);
                    return;
                }

                await using (var migrate = Command(connection, PostgresMigrations.Scripts[current], transaction))
                {
                    await migrate.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = Command(connection, "INSERT INTO schema_version (version) VALUES (@version);", transaction))
                {
                    record.Parameters.AddWithValue("@version", current + 1);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                _logger.LogInformation("Migrated the metadata database to schema version {Version}", current + 1);
            }
        }
        finally
        {
            await using var unlock = Command(connection, "SELECT pg_advisory_unlock(@key);");
            unlock.Parameters.AddWithValue("@key", MigrationLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>An open pooled connection; the caller disposes it.</summary>
    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _dataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    internal static NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null) =>
        new(sql, connection, transaction);

    internal static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(read(reader));
        }

        return items;
    }

    /// <summary>Adds a text parameter, typed so that a null still has a type PostgreSQL can infer.</summary>
    internal static void AddText(NpgsqlCommand command, string name, string? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    internal static void AddInteger(NpgsqlCommand command, string name, int? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Integer) { Value = value is { } v ? v : DBNull.Value });

    internal static void AddBigint(NpgsqlCommand command, string name, long? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bigint) { Value = value is { } v ? v : DBNull.Value });

    internal static void AddTime(NpgsqlCommand command, string name, DateTimeOffset? value) =>
        AddText(command, name, value is { } time ? StoredTime.Format(time) : null);

    internal static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static DateTimeOffset Time(NpgsqlDataReader reader, int ordinal) => StoredTime.Parse(reader.GetString(ordinal));

    internal static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : StoredTime.Parse(reader.GetString(ordinal));

    /// <summary>True for a unique or primary key violation, which the stores answer as "taken" rather than an error.</summary>
    internal static bool IsUniqueViolation(PostgresException exception) => exception.SqlState == PostgresErrorCodes.UniqueViolation;
}
