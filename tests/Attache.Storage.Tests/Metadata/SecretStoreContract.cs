using Attache.Core.Ports;

namespace Attache.Storage.Tests.Metadata;

/// <summary>What every <see cref="ISecretStore"/> adapter promises. Each adapter's test class inherits it once.</summary>
public abstract class SecretStoreContract
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A store on the database under test, as a new node would open it.</summary>
    protected abstract ISecretStore NewNode();

    [Fact]
    public async Task The_first_value_stored_wins_for_every_later_caller()
    {
        var store = NewNode();

        Assert.Equal("first", await store.GetOrAddAsync("jwt", "first", Token));
        Assert.Equal("first", await store.GetOrAddAsync("jwt", "second", Token));
        Assert.Equal("other", await store.GetOrAddAsync("links", "other", Token));
    }

    [Fact]
    public async Task Racing_nodes_all_get_the_same_value()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => NewNode()).ToList();

        var values = await Task.WhenAll(stores.Select((store, i) => store.GetOrAddAsync("key", $"candidate-{i}", Token)));

        Assert.Single(values.Distinct());
    }
}
