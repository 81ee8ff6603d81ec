using Attache.Storage.Metadata.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Attache.Storage.Tests;

/// <summary>
/// A fresh PostgreSQL database on the server named by <see cref="VariableName"/>, dropped on dispose. Without that
/// variable, <see cref="CreateAsync"/> skips the calling test, saying why.
/// </summary>
public sealed class TempPostgres : IAsyncDisposable
{
    /// <summary>A connection string to a server where the tests may create and drop databases.</summary>
    public const string VariableName = "ATTACHE_TEST_POSTGRES";

    private readonly string _serverConnectionString;
    private readonly List<PostgresDatabase> _opened = [];

    private TempPostgres(string serverConnectionString, string name)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ToString();
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>Skips the test when no server is configured; otherwise creates an empty database.</summary>
    public static async Task<TempPostgres> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(VariableName);
        if (string.IsNullOrWhiteSpace(server))
        {
            Assert.Skip($"PostgreSQL tests need {VariableName} (a connection string to a server where tests may create databases); .ci/run sets it.");
        }

        var temp = new TempPostgres(server, $"attache_test_{Guid.NewGuid():N}");
        await temp.ExecuteOnServerAsync($"CREATE DATABASE {temp.Name} TEMPLATE template0 ENCODING 'UTF8';");
        return temp;
    }

    /// <summary>A database handle, as one node would hold it; disposed with this.</summary>
    public PostgresDatabase Open()
    {
        var database = new PostgresDatabase(ConnectionString, NullLogger<PostgresDatabase>.Instance);
        _opened.Add(database);
        return database;
    }

    /// <summary>A database handle with the schema migrated.</summary>
    public async Task<PostgresDatabase> OpenMigratedAsync()
    {
        var database = Open();
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        return database;
    }

    public async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var values = new List<T>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(await reader.GetFieldValueAsync<T>(0, TestContext.Current.CancellationToken));
        }

        return values;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _opened)
        {
            await database.DisposeAsync();
        }

        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);");
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_serverConnectionString) { Pooling = false }.ToString());
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
