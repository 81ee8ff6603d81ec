using Attache.Core.Ports;

namespace Attache.Storage.Tests.Metadata;

/// <summary>What every <see cref="IRenditionStore"/> adapter promises. Each adapter's test class inherits it once.</summary>
public abstract class RenditionStoreContract
{
    private static readonly DateTimeOffset Created = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    protected abstract IRenditionStore Store { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_rendition_is_found_by_its_whole_key_only()
    {
        var stored = await Store.AddAsync(Rendition("7", 2, "txt", "utf-8", "aaa"), Token);

        Assert.Equal(Rendition("7", 2, "txt", "utf-8", "aaa"), stored);
        Assert.Equal(stored, await Store.FindAsync(stored.Key, Token));
        Assert.Null(await Store.FindAsync(stored.Key with { Version = 1 }, Token));
        Assert.Null(await Store.FindAsync(stored.Key with { Charset = "us-ascii" }, Token));
        Assert.Null(await Store.FindAsync(stored.Key with { Format = "pdf" }, Token));
        Assert.Null(await Store.FindAsync(stored.Key with { Variant = "bbb" }, Token));
    }

    [Fact]
    public async Task The_first_rendition_stored_under_a_key_wins()
    {
        var first = await Store.AddAsync(Rendition("7", 1, "pdf", "", "v", sha256: "11"), Token);

        var second = await Store.AddAsync(Rendition("7", 1, "pdf", "", "v", sha256: "22"), Token);

        Assert.Equal(first, second);
        Assert.Equal("11", second.Sha256);
    }

    [Fact]
    public async Task Purging_a_document_removes_its_renditions_and_names_their_blobs_once()
    {
        await Store.AddAsync(Rendition("7", 1, "pdf", "", "v", sha256: "11"), Token);
        await Store.AddAsync(Rendition("7", 1, "docx", "", "v", sha256: "22"), Token);
        await Store.AddAsync(Rendition("7", 2, "docx", "", "v", sha256: "22"), Token);
        await Store.AddAsync(Rendition("8", 1, "pdf", "", "v", sha256: "11", documentId: "other"), Token);

        var keys = await Store.PurgeDocumentAsync("depo", Token);

        Assert.Equal(["11", "22"], keys);
        Assert.Null(await Store.FindAsync(new RenditionKey("7", 1, "pdf", "", "v"), Token));
        Assert.True(await Store.IsBlobReferencedAsync("11", Token));
        Assert.False(await Store.IsBlobReferencedAsync("22", Token));
        Assert.Empty(await Store.PurgeDocumentAsync("depo", Token));
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
