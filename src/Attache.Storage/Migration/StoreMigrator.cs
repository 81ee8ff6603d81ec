using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Attache.Core.Ports;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Attache.Storage.Migration;

/// <summary>What a migration did, and the blobs whose bytes did not match their SHA-256.</summary>
/// <param name="Rows">Rows written to the target: rows it already held are not counted.</param>
/// <param name="BlobsCopied">Blobs written to the target by this run.</param>
/// <param name="BlobsAlreadyThere">Blobs the target held already (still read back and verified).</param>
/// <param name="Bytes">Bytes of the blobs copied.</param>
/// <param name="CorruptBlobs">Blobs missing, or whose bytes do not hash to their key, each with the reason.</param>
public sealed record MigrationReport(long Rows, long BlobsCopied, long BlobsAlreadyThere, long Bytes, IReadOnlyList<string> CorruptBlobs);

/// <summary>How far a migration has come: a stage and its count so far out of a total.</summary>
public readonly record struct MigrationProgress(string Stage, long Done, long Total);

/// <summary>Thrown when the target holds another install's data and the caller did not say to write into it anyway.</summary>
public sealed class MigrationTargetNotEmptyException(string message) : Exception(message);

/// <summary>
/// Copies one install's stores into another's, as two configurations name them (typically the embedded SQLite file and
/// blob folder into PostgreSQL and S3): every metadata table row for row, then every blob the metadata refers to,
/// each read back from the target and its SHA-256 checked. Rows and blobs already in the target are kept, so running
/// it again finishes an interrupted copy and changes nothing after a complete one.
/// </summary>
public sealed class StoreMigrator
{
    /// <summary>Tables in an order that satisfies their references.</summary>
    private static readonly string[] Tables =
    [
        "documents", "files", "file_versions", "sequences", "secrets", "principals", "api_keys", "sessions",
        "server_api_keys", "audit_events", "renditions", "editor_sessions", "jobs",
    ];

    /// <summary>Tables that hold an install's content; any row in them makes a target "not empty".</summary>
    private static readonly string[] ContentTables = ["documents", "principals", "audit_events"];

    private const int Batch = 500;

    private const int BlobsAtOnce = 16;

    private readonly IConfiguration _source;
    private readonly IConfiguration _target;

    public StoreMigrator(IConfiguration source, IConfiguration target)
    {
        _source = source;
        _target = target;
    }

    /// <summary>Copies metadata then blobs; refuses a target holding another install's data unless <paramref name="force"/>.</summary>
    public async Task<MigrationReport> RunAsync(bool force, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken)
    {
        await using var sourceServices = Services(_source);
        await using var targetServices = Services(_target);
        var sourceOptions = sourceServices.GetRequiredService<IOptions<StorageOptions>>().Value;
        var targetOptions = targetServices.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (sourceOptions.Metadata.Provider == targetOptions.Metadata.Provider
            && sourceOptions.MetadataConnectionString == targetOptions.MetadataConnectionString)
        {
            throw new InvalidOperationException("The source and the target name the same metadata database.");
        }

        // Both schemas at the build's version: the copy moves rows between identical tables.
        await sourceServices.GetRequiredService<IMetadataStore>().InitializeAsync(cancellationToken);
        await targetServices.GetRequiredService<IMetadataStore>().InitializeAsync(cancellationToken);
        if (targetServices.GetRequiredService<IBlobStore>() is Blobs.S3.S3BlobStore s3)
        {
            await s3.InitializeAsync(cancellationToken);
        }

        await using var source = await OpenAsync(sourceOptions, cancellationToken);
        await using var target = await OpenAsync(targetOptions, cancellationToken);
        if (!force && await HoldsOtherInstallAsync(source, target, cancellationToken))
        {
            throw new MigrationTargetNotEmptyException(
                "The target already holds documents, principals or audit events of another install; pass --force to merge into it.");
        }

        long rows = 0;
        foreach (var table in Tables)
        {
            rows += await CopyTableAsync(source, target, table, progress, cancellationToken);
        }

        var keys = new List<(string Key, long Size)>();
        await using (var command = Command(source, "SELECT sha256, size FROM file_versions UNION SELECT sha256, size FROM renditions ORDER BY 1"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        return await CopyBlobsAsync(
            sourceServices.GetRequiredService<IBlobStore>(), targetServices.GetRequiredService<IBlobStore>(), keys, rows, progress, cancellationToken);
    }

    private static ServiceProvider Services(IConfiguration configuration) =>
        new ServiceCollection()
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance)
            .AddAttacheStorage(configuration)
            .BuildServiceProvider();

    private static async Task<MigrationReport> CopyBlobsAsync(
        IBlobStore source, IBlobStore target, List<(string Key, long Size)> keys, long rows, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken)
    {
        long copied = 0, present = 0, bytes = 0, done = 0;
        var corrupt = new System.Collections.Concurrent.ConcurrentBag<string>();
        var reportLock = new Lock();
        void Done()
        {
            // One report at a time and in order, so the progress a user sees only grows.
            lock (reportLock)
            {
                progress?.Report(new MigrationProgress("blobs", ++done, keys.Count));
            }
        }

        // Each blob is a few round trips to the target (exists, put, commit, read back); several at once keep both
        // stores busy. Small enough not to crowd a node's share of the service.
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = BlobsAtOnce, CancellationToken = cancellationToken }, async (entry, token) =>
        {
            var (key, size) = entry;
            if (await target.ExistsAsync(key, token))
            {
                Interlocked.Increment(ref present);
            }
            else
            {
                await using var content = await OpenAsync(source, key, size, token);
                if (content is null)
                {
                    corrupt.Add(key + $" (missing from the source, or not {size} bytes long there)");
                    Done();
                    return;
                }

                var staged = await target.StageAsync(content, long.MaxValue, token);
                await using var blob = staged.Value!;
                if (!string.Equals(blob.Sha256, key, StringComparison.Ordinal))
                {
                    // The source's bytes are not the ones the metadata names: nothing of them goes to the target.
                    corrupt.Add(key + $" (the source's bytes hash to {blob.Sha256})");
                    Done();
                    return;
                }

                await blob.CommitAsync(token);
                Interlocked.Increment(ref copied);
                Interlocked.Add(ref bytes, blob.Size);
            }

            // Read back what the target now serves under the key, whether copied now or before.
            var actual = await HashAsync(target, key, size, token);
            if (!string.Equals(actual, key, StringComparison.Ordinal))
            {
                corrupt.Add(key + (actual is null ? " (missing from the target)" : $" (the target's bytes hash to {actual})"));
            }

            Done();
        });

        return new MigrationReport(rows, copied, present, bytes, [.. corrupt.Order(StringComparer.Ordinal)]);
    }

    private static async Task<string?> HashAsync(IBlobStore store, string key, long size, CancellationToken cancellationToken)
    {
        await using var stream = await OpenAsync(store, key, size, cancellationToken);
        return stream is null ? null : Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>The whole blob, or null when it is missing or shorter than the metadata says (the stores refuse such a range).</summary>
    private static async Task<Stream?> OpenAsync(IBlobStore store, string key, long size, CancellationToken cancellationToken)
    {
        try
        {
            return await store.OpenReadAsync(key, 0, size, cancellationToken);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static async Task<DbConnection> OpenAsync(StorageOptions options, CancellationToken cancellationToken)
    {
        DbConnection connection = options.Metadata.Provider == StorageProviders.Postgres
            ? new NpgsqlConnection(options.MetadataConnectionString)
            : new SqliteConnection(options.MetadataConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<bool> HoldsOtherInstallAsync(DbConnection source, DbConnection target, CancellationToken cancellationToken)
    {
        var holdsContent = false;
        foreach (var table in ContentTables)
        {
            await using var count = Command(target, $"SELECT COUNT(*) FROM {table}");
            holdsContent |= Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
        }

        if (!holdsContent)
        {
            return false;
        }

        // Every install makes its own secrets (signing keys) on its first start: a target whose secrets all came from
        // this source is an earlier run of this migration.
        var sourceSecrets = await SecretsAsync(source, cancellationToken);
        var targetSecrets = await SecretsAsync(target, cancellationToken);
        return targetSecrets.Count == 0 || targetSecrets.Any(secret => !sourceSecrets.Contains(secret));
    }

    private static async Task<HashSet<string>> SecretsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        await using var command = Command(connection, "SELECT name, value FROM secrets");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            secrets.Add(reader.GetString(0) + "\n" + reader.GetString(1));
        }

        return secrets;
    }

    private static async Task<long> CopyTableAsync(
        DbConnection source, DbConnection target, string table, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken)
    {
        long total;
        await using (var count = Command(source, $"SELECT COUNT(*) FROM {table}"))
        {
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        var targetTypes = await ColumnTypesAsync(target, table, cancellationToken);
        await using var select = Command(source, $"SELECT * FROM {table}");
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        var insert = InsertSql(target, table, columns);
        var identity = target is NpgsqlConnection && columns.Contains("id") && targetTypes.GetValueOrDefault("id") == "bigint" && table is "audit_events" or "jobs";
        long done = 0, written = 0;
        var transaction = await target.BeginTransactionAsync(cancellationToken);
        try
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                await using var command = Command(target, identity ? insert.Replace("VALUES", "OVERRIDING SYSTEM VALUE VALUES", StringComparison.Ordinal) : insert);
                command.Transaction = transaction;
                for (var i = 0; i < columns.Length; i++)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = "p" + i.ToString(CultureInfo.InvariantCulture);
                    parameter.Value = AsTargetType(await reader.IsDBNullAsync(i, cancellationToken) ? null : reader.GetValue(i), targetTypes.GetValueOrDefault(columns[i]));
                    command.Parameters.Add(parameter);
                }

                written += await command.ExecuteNonQueryAsync(cancellationToken);
                if (++done % Batch == 0)
                {
                    await transaction.CommitAsync(cancellationToken);
                    await transaction.DisposeAsync();
                    transaction = await target.BeginTransactionAsync(cancellationToken);
                    progress?.Report(new MigrationProgress(table, done, total));
                }
            }

            if (identity)
            {
                // The next row a node appends numbers after the copied ones.
                await using var advance = Command(target, $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))");
                advance.Transaction = transaction;
                await advance.ExecuteScalarAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await transaction.DisposeAsync();
        }

        progress?.Report(new MigrationProgress(table, done, total));
        return written;
    }

    private static string InsertSql(DbConnection target, string table, string[] columns)
    {
        var names = string.Join(", ", columns);
        var values = string.Join(", ", columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)));
        // A counter keeps the larger value, so ids handed out after the move never repeat one the source gave.
        var conflict = table == "sequences"
            ? " ON CONFLICT (name) DO UPDATE SET value = excluded.value WHERE sequences.value < excluded.value"
            : " ON CONFLICT DO NOTHING";
        return $"INSERT INTO {table} ({names}) VALUES ({values}){conflict}";
    }

    private static async Task<Dictionary<string, string>> ColumnTypesAsync(DbConnection connection, string table, CancellationToken cancellationToken)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = connection is NpgsqlConnection
            ? Command(connection, $"SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'")
            : Command(connection, $"SELECT name, lower(type) FROM pragma_table_info('{table}')");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            types[reader.GetString(0)] = reader.GetString(1);
        }

        return types;
    }

    /// <summary>A value as the target column's type wants it: SQLite keeps integers for booleans and 64-bit for all numbers.</summary>
    private static object AsTargetType(object? value, string? targetType) => value switch
    {
        null => DBNull.Value,
        long number when targetType == "boolean" => number != 0,
        long number when targetType == "integer" => checked((int)number),
        bool flag when targetType is "integer" => flag ? 1 : 0,
        _ => value,
    };

    private static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
