using Attache.Core.Ports;
using Attache.Core.Principals;

namespace Attache.Storage.Tests.Metadata;

/// <summary>What every <see cref="IPrincipalStore"/> adapter promises. Each adapter's test class inherits it once.</summary>
public abstract class PrincipalStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);

    protected abstract IPrincipalStore Store { get; }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_created_principal_is_found_by_name_client_id_and_email_with_every_field()
    {
        var principal = NewPrincipal("svc") with
        {
            DisplayName = "Service Ä",
            Kind = PrincipalKinds.Client,
            Groups = ["my-domain", "admin"],
            Enabled = false,
            Email = "Svc@Example.com",
            PasswordHash = "hash-1",
            ClientId = "svc-id",
            ClientSecretHash = "hash-2",
        };

        Assert.True(await Store.TryCreateAsync(principal, Token));

        Assert.Equivalent(principal, await Store.FindAsync("svc", Token), strict: true);
        Assert.Equivalent(principal, await Store.FindByClientIdAsync("svc-id", Token), strict: true);
        Assert.Equivalent(principal, await Store.FindByEmailAsync("svc@example.com", Token), strict: true);
        Assert.Null(await Store.FindAsync("SVC", Token));
        Assert.Null(await Store.FindByClientIdAsync("SVC-ID", Token));
    }

    [Fact]
    public async Task An_email_differing_only_in_non_ascii_case_is_another_address()
    {
        Assert.True(await Store.TryCreateAsync(NewPrincipal("a") with { Email = "ä@example.com" }, Token));

        Assert.True(await Store.TryCreateAsync(NewPrincipal("b") with { Email = "Ä@example.com" }, Token));
        Assert.Equal("a", (await Store.FindByEmailAsync("ä@EXAMPLE.com", Token))?.Name);
    }

    [Fact]
    public async Task A_lookup_with_a_nul_character_finds_nothing()
    {
        Assert.True(await Store.TryCreateAsync(NewPrincipal("a") with { ClientId = "c", Email = "a@x.org" }, Token));

        Assert.Null(await Store.FindAsync("a\0", Token));
        Assert.Null(await Store.FindByClientIdAsync("c\0", Token));
        Assert.Null(await Store.FindByEmailAsync("a@x.org\0", Token));
        Assert.Null(await Store.FindByApiKeyAsync("\0", Token));
    }

    [Fact]
    public async Task A_name_client_id_or_email_is_held_by_one_principal_only()
    {
        Assert.True(await Store.TryCreateAsync(NewPrincipal("a") with { ClientId = "c", Email = "a@x.org" }, Token));

        Assert.False(await Store.TryCreateAsync(NewPrincipal("a"), Token));
        Assert.False(await Store.TryCreateAsync(NewPrincipal("b") with { ClientId = "c" }, Token));
        Assert.False(await Store.TryCreateAsync(NewPrincipal("b") with { Email = "A@X.org" }, Token));
        Assert.True(await Store.TryCreateAsync(NewPrincipal("b"), Token));
        Assert.False(await Store.UpdateAsync(NewPrincipal("b") with { Email = "a@x.org" }, Token));
        Assert.False(await Store.UpdateAsync(NewPrincipal("nobody"), Token));
        Assert.True(await Store.UpdateAsync(NewPrincipal("b") with { DisplayName = "Bee", Enabled = false }, Token));
        Assert.Equal(("Bee", false), await Store.FindAsync("b", Token) is { } b ? (b.DisplayName, b.Enabled) : default);
    }

    [Fact]
    public async Task Principals_list_by_name_in_pages()
    {
        foreach (var name in new[] { "c", "a", "B", "b" })
        {
            Assert.True(await Store.TryCreateAsync(NewPrincipal(name), Token));
        }

        Assert.Equal(["B", "a"], (await Store.ListAsync(null, 2, Token)).Select(p => p.Name));
        Assert.Equal(["b", "c"], (await Store.ListAsync("a", 5, Token)).Select(p => p.Name));
    }

    [Fact]
    public async Task An_api_key_finds_its_principal_until_it_is_revoked()
    {
        Assert.True(await Store.TryCreateAsync(NewPrincipal("alice"), Token));
        var key = new ApiKeyRecord("k1", "alice", new string('a', 64), T0);

        await Store.AddApiKeyAsync(key, Token);

        Assert.Equal("alice", (await Store.FindByApiKeyAsync(key.Sha256, Token))?.Name);
        Assert.Equal([key], await Store.ListApiKeysAsync("alice", Token));
        Assert.False(await Store.RevokeApiKeyAsync("alice", "k2", Token));
        Assert.True(await Store.RevokeApiKeyAsync("alice", "k1", Token));
        Assert.Null(await Store.FindByApiKeyAsync(key.Sha256, Token));
    }

    [Fact]
    public async Task A_key_of_another_principal_is_not_taken_over()
    {
        Assert.True(await Store.TryCreateAsync(NewPrincipal("alice"), Token));
        Assert.True(await Store.TryCreateAsync(NewPrincipal("mallory"), Token));
        await Store.AddApiKeyAsync(new ApiKeyRecord("k1", "alice", new string('b', 64), T0), Token);

        await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            Store.AddApiKeyAsync(new ApiKeyRecord("k9", "mallory", new string('b', 64), T0), Token));

        Assert.Equal("alice", (await Store.FindByApiKeyAsync(new string('b', 64), Token))?.Name);
    }

    [Fact]
    public async Task Sessions_are_found_ended_and_swept_when_expired()
    {
        Assert.True(await Store.TryCreateAsync(NewPrincipal("alice"), Token));
        var live = new SessionRecord(new string('1', 64), "alice", T0, T0.AddHours(8));
        var old = new SessionRecord(new string('2', 64), "alice", T0, T0.AddHours(1));
        await Store.AddSessionAsync(live, Token);
        await Store.AddSessionAsync(old, Token);

        Assert.Equal((live, "alice"), await Store.FindSessionAsync(live.Sha256, Token) is var (s, p) ? (s, p.Name) : default);
        Assert.Equal(1, await Store.DeleteExpiredSessionsAsync(T0.AddHours(2), Token));
        Assert.Null(await Store.FindSessionAsync(old.Sha256, Token));
        Assert.True(await Store.DeleteSessionAsync(live.Sha256, Token));
        Assert.False(await Store.DeleteSessionAsync(live.Sha256, Token));
        Assert.Null(await Store.FindSessionAsync(live.Sha256, Token));
    }

    [Fact]
    public async Task An_unknown_server_key_is_not_accepted()
    {
        Assert.False(await Store.IsServerApiKeyAsync(new string('c', 64), Token));
    }

    private static Principal NewPrincipal(string name) => new() { Name = name, DisplayName = name, Created = T0, Modified = T0 };
}
