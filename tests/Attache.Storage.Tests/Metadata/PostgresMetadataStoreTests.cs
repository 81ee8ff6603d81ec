using Attache.Core.Ports;
using Attache.Storage.Metadata.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Attache.Storage.Tests.Metadata;

public sealed class PostgresMetadataStoreTests : MetadataStoreContract, IAsyncLifetime
{
    private TempPostgres? _temp;
    private PostgresMetadataStore? _store;

    protected override IMetadataStore Store => _store!;

    protected override IStaleUploads StaleUploads => new PostgresStaleUploads(Temp.Open());

    private TempPostgres Temp => _temp!;

    public async ValueTask InitializeAsync()
    {
        _temp = await TempPostgres.CreateAsync();
        _store = NewStore(_temp.Open());
        await _store.InitializeAsync(Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_temp is not null)
        {
            await _temp.DisposeAsync();
        }
    }

    [Fact]
    public async Task Initializing_again_records_each_schema_version_once()
    {
        await Store.InitializeAsync(Token);

        Assert.Equal(Enumerable.Range(1, PostgresMigrations.Scripts.Count), await Temp.QueryAsync<int>("SELECT version FROM schema_version ORDER BY version;"));
    }

    [Fact]
    public async Task Nodes_starting_together_on_an_empty_database_migrate_it_once()
    {
        var fresh = await TempPostgres.CreateAsync();
        await using (fresh)
        {
            var nodes = Enumerable.Range(0, 4).Select(_ => NewStore(fresh.Open())).ToList();

            await Task.WhenAll(nodes.Select(node => node.InitializeAsync(Token)));

            Assert.Equal(Enumerable.Range(1, PostgresMigrations.Scripts.Count), await fresh.QueryAsync<int>("SELECT version FROM schema_version ORDER BY version;"));
            Assert.Equal("1", await nodes[0].NextFileIdAsync(Token));
        }
    }

    [Fact]
    public async Task A_database_newer_than_this_build_fails_to_initialize_with_a_clear_message()
    {
        await Temp.ExecuteAsync("INSERT INTO schema_version (version) VALUES (99);");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.InitializeAsync(Token));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {PostgresMigrations.Scripts.Count}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Times_are_kept_to_the_tick()
    {
        var created = T0.AddTicks(1234);
        await Store.TryCreateDocumentAsync(NewDocument("doc") with { Created = created }, Token);

        Assert.Equal(created, (await Store.FindDocumentAsync("doc", Token))?.Created);
    }

    [Fact]
    public async Task Ids_page_in_ordinal_order_whatever_the_database_collation()
    {
        foreach (var id in new[] { "b", "B", "a", "_", "é", "A-1", "a1" })
        {
            await Store.TryCreateDocumentAsync(NewDocument(id), Token);
        }

        var first = await Store.ListDocumentsAsync(new DocumentQuery(Limit: 3), Token);
        var rest = await Store.ListDocumentsAsync(new DocumentQuery(After: first[^1].Id), Token);

        Assert.Equal(new[] { "b", "B", "a", "_", "é", "A-1", "a1" }.Order(StringComparer.Ordinal), first.Concat(rest).Select(d => d.Id));
    }

    [Fact]
    public async Task A_file_of_a_missing_document_is_a_foreign_key_error_not_a_slot_conflict()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => Store.SaveFileAsync(NewFile("1", "missing"), null, Token));

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
    }

    [Fact]
    public async Task Two_nodes_handing_out_file_ids_at_once_never_repeat_one()
    {
        var other = NewStore(Temp.Open());

        var ids = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? Store : other).NextFileIdAsync(Token)));

        Assert.Equal(Enumerable.Range(1, 40).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), ids.Order());
    }

    private static PostgresMetadataStore NewStore(PostgresDatabase database) => new(database, NullLogger<PostgresMetadataStore>.Instance);
}
