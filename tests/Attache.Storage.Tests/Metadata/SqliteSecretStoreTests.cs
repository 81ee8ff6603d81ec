using Attache.Storage.Metadata.Sqlite;

namespace Attache.Storage.Tests.Metadata;

public sealed class SqliteSecretStoreTests : IAsyncLifetime
{
    private readonly TempDatabase _temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _temp.MigrateAsync();

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_first_value_stored_wins_for_every_later_caller()
    {
        var store = new SqliteSecretStore(_temp.Database);

        Assert.Equal("first", await store.GetOrAddAsync("jwt", "first", Token));
        Assert.Equal("first", await store.GetOrAddAsync("jwt", "second", Token));
        Assert.Equal("other", await store.GetOrAddAsync("links", "other", Token));
    }

    [Fact]
    public async Task Racing_nodes_all_get_the_same_value()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => new SqliteSecretStore(_temp.Database)).ToList();

        var values = await Task.WhenAll(stores.Select((store, i) => store.GetOrAddAsync("key", $"candidate-{i}", Token)));

        Assert.Single(values.Distinct());
    }
}
