using Attache.Core.Documents;
using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attache.Storage.Tests.Metadata;

/// <summary>The embedded store's remembered reads end at every committed write, including one that races a read.</summary>
public sealed class SqliteReadCacheTests : IDisposable
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private SqliteReadCache Reads => _database.Database.Reads;

    [Fact]
    public async Task A_read_is_answered_from_memory_until_a_commit_on_any_connection()
    {
        await _database.MigrateAsync();
        var store = new SqliteMetadataStore(_database.Database, NullLogger<SqliteMetadataStore>.Instance);
        Assert.True(await store.TryCreateDocumentAsync(NewDocument("doc", "first"), Token));

        Assert.Equal("first", (await store.FindDocumentAsync("doc", Token))?.Title);
        var hits = Reads.Hits;
        Assert.Equal("first", (await store.FindDocumentAsync("doc", Token))?.Title);
        Assert.Equal(hits + 1, Reads.Hits);

        // A write through plain SQL on another connection of the same database, not through the store's methods.
        await using (var connection = await _database.Database.OpenAsync(Token))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE documents SET title = 'second' WHERE id = 'doc';";
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Token));
        }

        Assert.Equal("second", (await store.FindDocumentAsync("doc", Token))?.Title);
    }

    [Fact]
    public async Task A_read_that_raced_a_commit_is_not_kept()
    {
        await _database.MigrateAsync();
        var reads = 0;
        async Task<string> ReadRacingAWriteAsync()
        {
            reads++;
            // The value read before the write, returned after the write committed.
            await using var connection = await _database.Database.OpenAsync(Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO sequences (name, value) VALUES ('race', 1);";
            await command.ExecuteNonQueryAsync(Token);
            return "stale";
        }

        await Reads.GetOrReadAsync("test", "key", 0, ReadRacingAWriteAsync);
        Assert.Equal("fresh", await Reads.GetOrReadAsync("test", "key", 0, () => Task.FromResult("fresh")));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task Plain_reads_move_no_generation_and_a_rolled_back_transaction_keeps_the_entries()
    {
        await _database.MigrateAsync();
        var store = new SqliteMetadataStore(_database.Database, NullLogger<SqliteMetadataStore>.Instance);
        Assert.True(await store.TryCreateDocumentAsync(NewDocument("doc", "first"), Token));
        await store.FindDocumentAsync("doc", Token);
        var generation = Reads.Generation;

        await store.ListDocumentsAsync(new DocumentQuery(), Token);
        await using (var connection = await _database.Database.OpenAsync(Token))
        await using (var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(Token))
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "UPDATE documents SET title = 'never' WHERE id = 'doc';";
            await command.ExecuteNonQueryAsync(Token);
            await transaction.RollbackAsync(Token);
        }

        Assert.Equal(generation, Reads.Generation);
        Assert.Equal("first", (await store.FindDocumentAsync("doc", Token))?.Title);
    }

    [Fact]
    public async Task Unknown_keys_are_not_kept()
    {
        await _database.MigrateAsync();
        var calls = 0;
        for (var i = 0; i < 2; i++)
        {
            Assert.Null(await Reads.GetOrReadAsync<string?>("api-key", "guess", 0, () => { calls++; return Task.FromResult<string?>(null); }, keepAbsent: false));
        }

        Assert.Equal(2, calls);
    }

    private static Document NewDocument(string id, string title) => new()
    {
        Id = id,
        Title = title,
        Owner = "owner",
        Created = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero),
        Modified = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero),
    };
}
