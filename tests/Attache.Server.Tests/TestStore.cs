using Attache.Core.Ports;
using Attache.Storage.Metadata.Postgres;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Attache.Server.Tests;

/// <summary>
/// Where one or more test servers keep their data: a fresh data folder and, when <see cref="StorageVariable"/> is
/// <c>postgres</c>, a fresh PostgreSQL database on the server <see cref="PostgresVariable"/> names (the scale-out
/// configuration); otherwise the embedded SQLite file in the folder. When it holds <c>s3</c>, blobs go to a prefix of
/// their own in the S3 test service instead of the folder. Disposing drops all of them.
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    public const string StorageVariable = "ATTACHE_TEST_STORAGE";
    public const string PostgresVariable = "ATTACHE_TEST_POSTGRES";

    private readonly string? _serverConnectionString;
    private readonly string? _database;

    public TestStore()
        : this(UsesPostgres, S3Blobs.Requested)
    {
    }

    /// <summary>A store in the configuration asked for, whatever <see cref="StorageVariable"/> says.</summary>
    public TestStore(bool postgres, bool s3)
    {
        DataPath = Path.Combine(Path.GetTempPath(), "attache-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataPath);
        Settings = new Dictionary<string, string?> { ["Attache:DataPath"] = DataPath };
        if (s3)
        {
            S3 = new S3Blobs();
            foreach (var (key, value) in S3.Settings())
            {
                Settings[key] = value;
            }
        }

        if (!postgres)
        {
            return;
        }

        _serverConnectionString = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(_serverConnectionString))
        {
            throw new InvalidOperationException($"{StorageVariable}=postgres needs {PostgresVariable}, a connection string to a server where tests may create databases.");
        }

        _database = $"attache_app_{Guid.NewGuid():N}";
        ExecuteOnServer($"CREATE DATABASE {_database} TEMPLATE template0 ENCODING 'UTF8';");
        Settings["Attache:Metadata:Provider"] = "Postgres";
        Settings["Attache:Metadata:ConnectionString"] =
            new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = _database }.ToString();
    }

    /// <summary>True when the tests run in the scale-out configuration.</summary>
    public static bool UsesPostgres =>
        (Environment.GetEnvironmentVariable(StorageVariable) ?? "").Split(',').Contains("postgres", StringComparer.OrdinalIgnoreCase);

    /// <summary>The S3 prefix holding the blobs, or null when they are in the data folder.</summary>
    internal S3Blobs? S3 { get; }

    public string DataPath { get; }

    /// <summary>The settings that point a server at this store; a second node given them shares everything with the first.</summary>
    public Dictionary<string, string?> Settings { get; }

    /// <summary>The audit store as another process would open it, e.g. after the server stopped.</summary>
    public IAuditStore OpenAuditStore() => _database is not null
        ? new PostgresAuditStore(new PostgresDatabase(Settings["Attache:Metadata:ConnectionString"]!, NullLogger<PostgresDatabase>.Instance))
        : new SqliteAuditStore(new SqliteDatabase($"Data Source={Path.Combine(DataPath, "attache.db")}", NullLogger<SqliteDatabase>.Instance));

    /// <summary>Renames the documents table away behind the server's back, so that every query on it fails.</summary>
    public async Task BreakDocumentsTableAsync(CancellationToken cancellationToken)
    {
        const string sql = "ALTER TABLE documents RENAME TO documents_gone";
        if (UsesPostgres)
        {
            await using var connection = new NpgsqlConnection(Settings["Attache:Metadata:ConnectionString"] + ";Pooling=false");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await using var sqlite = new SqliteConnection($"Data Source={Path.Combine(DataPath, "attache.db")};Pooling=False");
        await sqlite.OpenAsync(cancellationToken);
        await using var rename = sqlite.CreateCommand();
        rename.CommandText = sql;
        await rename.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first column of every row <paramref name="sql"/> selects from the metadata database, read-only.</summary>
    public async Task<List<string>> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        if (_database is not null)
        {
            await using var connection = new NpgsqlConnection(Settings["Attache:Metadata:ConnectionString"] + ";Pooling=false");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                values.Add(reader.GetString(0));
            }
        }
        else
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(DataPath, "attache.db")};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                values.Add(reader.GetString(0));
            }
        }

        return values;
    }

    public async ValueTask DisposeAsync()
    {
        if (S3 is not null)
        {
            await S3.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            ExecuteOnServer($"DROP DATABASE IF EXISTS {_database} WITH (FORCE);");
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void ExecuteOnServer(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_serverConnectionString) { Pooling = false }.ToString());
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
