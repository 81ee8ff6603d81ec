using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Attache.Storage.Metadata.Sqlite;

/// <summary>
/// The one SQLite file every SQLite-backed store shares: opens connections with the pragmas that make a committed write
/// durable (WAL, synchronous=FULL), and migrates the schema. Times are stored as fixed-width ISO-8601 UTC text, which
/// sorts and round-trips to the tick.
/// </summary>
public sealed class SqliteDatabase
{
    /// <summary>How long a write waits for another connection's transaction before it fails as busy (busy_timeout below).</summary>
    public const int BusyTimeoutSeconds = 5;

    private readonly string _connectionString;
    private readonly ILogger<SqliteDatabase> _logger;

    public SqliteDatabase(string connectionString, ILogger<SqliteDatabase> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        // The driver retries a busy database for its command timeout (30 s by default) on top of busy_timeout: a write
        // blocked by another connection would hold its request for half a minute. It waits as long as busy_timeout
        // instead, then the request is answered 503, unless the connection string sets a timeout of its own.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Default Timeout") && !given.ContainsKey("Command Timeout"))
        {
            builder.DefaultTimeout = BusyTimeoutSeconds;
        }

        _connectionString = builder.ToString();
        _logger = logger;
    }

    /// <summary>The answers of point reads, kept until the next write to this file.</summary>
    public SqliteReadCache Reads { get; } = new();

    /// <summary>Creates the schema or migrates it to the current version. Safe to call on every start.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(_connectionString);
        if (builder.Mode != SqliteOpenMode.Memory && builder.DataSource is { Length: > 0 } file && file != ":memory:"
            && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using (var wal = Command(connection, "PRAGMA journal_mode = WAL;"))
        {
            var mode = await wal.ExecuteScalarAsync(cancellationToken) as string;
            _logger.LogDebug("SQLite journal mode is {Mode}", mode);
        }

        await using (var create = Command(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied TEXT NOT NULL);"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        while (true)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            var current = await SchemaVersionAsync(connection, transaction, cancellationToken);
            if (current > SqliteMigrations.Scripts.Count)
            {
                throw new InvalidOperationException(
                    $"The metadata database '{builder.DataSource}' has schema version {current}, but this build of Attache knows "
                    + $"versions up to {SqliteMigrations.Scripts.Count}. Run a newer Attache, or restore a backup made for this version.");
            }

            if (current == SqliteMigrations.Scripts.Count)
            {
                await transaction.CommitAsync(cancellationToken);
                return;
            }

            await using (var migrate = Command(connection, SqliteMigrations.Scripts[(int)current], transaction))
            {
                await migrate.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = Command(connection, "INSERT INTO schema_version (version, applied) VALUES (@version, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));", transaction))
            {
                record.Parameters.AddWithValue("@version", current + 1);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            _logger.LogInformation("Migrated the metadata database to schema version {Version}", current + 1);
        }
    }

    /// <summary>An open connection with busy timeout, synchronous=FULL and foreign keys on; the caller disposes it.</summary>
    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => OpenCoreAsync(true, cancellationToken);

    /// <summary>
    /// Like <see cref="OpenAsync(CancellationToken)"/>, for writes to the audit trail alone: their commits do not end
    /// the remembered reads, which never look at that table, so a busy server's audit batches leave the cache warm.
    /// </summary>
    internal Task<SqliteConnection> OpenForAuditAsync(CancellationToken cancellationToken) => OpenCoreAsync(false, cancellationToken);

    private async Task<SqliteConnection> OpenCoreAsync(bool watched, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            Reads.Watch(connection, watched);
            await using var pragmas = Command(connection, "PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    internal static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    internal static async Task<List<T>> ReadAllAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(read(reader));
        }

        return items;
    }

    internal static object Nullable(string? value) => value is null ? DBNull.Value : value;

    internal static string Time(DateTimeOffset value) => StoredTime.Format(value);

    internal static string? Time(DateTimeOffset? value) => value is { } time ? Time(time) : null;

    internal static DateTimeOffset ParseTime(string value) => StoredTime.Parse(value);

    internal static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static DateTimeOffset? NullableTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ParseTime(reader.GetString(ordinal));

    private static async Task<long> SchemaVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", transaction);
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
    }
}
