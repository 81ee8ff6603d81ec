using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;

namespace Attache.Storage.Tests.Metadata;

public sealed class SqliteRenditionStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Created = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDatabase _temp = new();
    private readonly SqliteRenditionStore _store;

    public SqliteRenditionStoreTests() => _store = new SqliteRenditionStore(_temp.Database);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _temp.MigrateAsync();

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_rendition_is_found_by_its_whole_key_only()
    {
        var stored = await _store.AddAsync(Rendition("7", 2, "txt", "utf-8", "aaa"), Token);

        Assert.Equal(Rendition("7", 2, "txt", "utf-8", "aaa"), stored);
        Assert.Equal(stored, await _store.FindAsync(stored.Key, Token));
        Assert.Null(await _store.FindAsync(stored.Key with { Version = 1 }, Token));
        Assert.Null(await _store.FindAsync(stored.Key with { Charset = "us-ascii" }, Token));
        Assert.Null(await _store.FindAsync(stored.Key with { Format = "pdf" }, Token));
        Assert.Null(await _store.FindAsync(stored.Key with { Variant = "bbb" }, Token));
    }

    [Fact]
    public async Task The_first_rendition_stored_under_a_key_wins()
    {
        var first = await _store.AddAsync(Rendition("7", 1, "pdf", "", "v", sha256: "11"), Token);

        var second = await _store.AddAsync(Rendition("7", 1, "pdf", "", "v", sha256: "22"), Token);

        Assert.Equal(first, second);
        Assert.Equal("11", second.Sha256);
    }

    [Fact]
    public async Task Purging_a_document_removes_its_renditions_and_names_their_blobs_once()
    {
        await _store.AddAsync(Rendition("7", 1, "pdf", "", "v", sha256: "11"), Token);
        await _store.AddAsync(Rendition("7", 1, "docx", "", "v", sha256: "22"), Token);
        await _store.AddAsync(Rendition("7", 2, "docx", "", "v", sha256: "22"), Token);
        await _store.AddAsync(Rendition("8", 1, "pdf", "", "v", sha256: "11", documentId: "other"), Token);

        var keys = await _store.PurgeDocumentAsync("depo", Token);

        Assert.Equal(["11", "22"], keys);
        Assert.Null(await _store.FindAsync(new RenditionKey("7", 1, "pdf", "", "v"), Token));
        Assert.True(await _store.IsBlobReferencedAsync("11", Token));
        Assert.False(await _store.IsBlobReferencedAsync("22", Token));
        Assert.Empty(await _store.PurgeDocumentAsync("depo", Token));
    }

    private static Rendition Rendition(
        string fileId, int version, string format, string charset, string variant, string sha256 = "ab", string documentId = "depo") => new()
    {
        Key = new RenditionKey(fileId, version, format, charset, variant),
        DocumentId = documentId,
        Size = 42,
        Sha256 = sha256,
        Md5 = "cd",
        Created = Created,
    };
}
