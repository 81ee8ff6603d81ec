using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attache.Storage.Tests.Metadata;

public sealed class SqliteMetadataStoreTests : MetadataStoreContract, IAsyncLifetime
{
    private readonly TempDatabase _temp = new(Path.Combine("db", "attache.db"));
    private readonly string _connectionString;
    private readonly SqliteMetadataStore _store;

    public SqliteMetadataStoreTests()
    {
        _connectionString = _temp.ConnectionString;
        _store = new SqliteMetadataStore(_temp.Database, NullLogger<SqliteMetadataStore>.Instance);
    }

    protected override IMetadataStore Store => _store;

    protected override IStaleUploads StaleUploads => new SqliteStaleUploads(_temp.Database);

    public async ValueTask InitializeAsync() => await _store.InitializeAsync(Token);

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Initializing_records_the_schema_version_once()
    {
        await _store.InitializeAsync(Token);

        Assert.Equal(
            Enumerable.Range(1, SqliteMigrations.Scripts.Count).Select(v => (long)v),
            await QueryAsync<long>("SELECT version FROM schema_version ORDER BY version;"));
    }

    [Fact]
    public async Task The_database_is_in_wal_mode_with_the_expected_tables()
    {
        Assert.Equal(["wal"], await QueryAsync<string>("PRAGMA journal_mode;"));
        var tables = await QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;");
        Assert.Subset(tables.ToHashSet(), new HashSet<string> { "documents", "file_versions", "files", "renditions", "schema_version", "secrets", "sequences" });
    }

    [Fact]
    public async Task A_database_newer_than_this_build_fails_to_initialize_with_a_clear_message()
    {
        await ExecuteAsync("INSERT INTO schema_version (version, applied) VALUES (99, 'later');");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.InitializeAsync(Token));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {SqliteMigrations.Scripts.Count}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Times_are_kept_to_the_tick()
    {
        var created = T0.AddTicks(1234);
        await Store.TryCreateDocumentAsync(NewDocument("doc") with { Created = created }, Token);

        Assert.Equal(created, (await Store.FindDocumentAsync("doc", Token))?.Created);
    }

    [Fact]
    public async Task A_file_of_a_missing_document_is_a_foreign_key_error_not_a_slot_conflict()
    {
        await Assert.ThrowsAsync<SqliteException>(() => Store.SaveFileAsync(NewFile("1", "missing"), null, Token));
    }

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Token);
        var values = new List<T>();
        while (await reader.ReadAsync(Token))
        {
            values.Add(await reader.GetFieldValueAsync<T>(0, Token));
        }

        return values;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Token);
    }
}
