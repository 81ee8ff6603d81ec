using Attache.Core.Principals;
using Attache.Core.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace Attache.Core.Tests;

public sealed class ClientUsersTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    private readonly InMemoryPrincipalStore _store = new();
    private readonly FakeTimeProvider _clock = new(T0);
    private readonly ClientUsers _users;

    public ClientUsersTests() => _users = new ClientUsers(_store, _clock);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Principal Client(string name, params string[] groups) =>
        new() { Name = name, Kind = PrincipalKinds.Client, ClientId = name + "-id", Groups = groups, Created = T0, Modified = T0 };

    [Fact]
    public async Task A_new_email_creates_a_user_in_the_group_named_after_the_client_and_email()
    {
        var client = Client("acme", "my-domain");

        var user = (await _users.UpsertAsync(client, new ClientUser("John", "Doe", " John.Doe@Example.com ", "my-domain"), Token)).Value;

        Assert.Equal(ClientUsers.NameFor(client, "john.doe@example.com"), user.Name);
        Assert.StartsWith("cu-", user.Name, StringComparison.Ordinal);
        Assert.Equal(("John Doe", "john.doe@example.com", PrincipalKinds.User), (user.DisplayName, user.Email, user.Kind));
        Assert.Equal(["my-domain"], user.Groups);
        Assert.Equivalent(user, await _store.FindAsync(user.Name, Token), strict: true);
    }

    [Fact]
    public async Task The_same_email_updates_the_name_and_adds_a_group_without_dropping_one()
    {
        var client = Client("acme", "a", "b");
        var first = (await _users.UpsertAsync(client, new ClientUser("John", "Doe", "j@x.org", "a"), Token)).Value;
        _clock.Advance(TimeSpan.FromMinutes(5));

        var second = (await _users.UpsertAsync(client, new ClientUser("Johnny", null, "J@X.org", "b"), Token)).Value;

        Assert.Equal(first.Name, second.Name);
        Assert.Equal("Johnny", second.DisplayName);
        Assert.Equal(["a", "b"], second.Groups);
        Assert.Equal(T0.AddMinutes(5), second.Modified);
        Assert.Equal(T0, second.Created);
    }

    [Fact]
    public async Task An_email_of_a_principal_the_client_did_not_create_is_refused_and_left_alone()
    {
        var admin = new Principal { Name = "boss", Email = "boss@x.org", Groups = ["admin"], Created = T0, Modified = T0 };
        Assert.True(await _store.TryCreateAsync(admin, Token));
        var other = Client("globex", "g");
        var theirs = (await _users.UpsertAsync(other, new ClientUser("S", "U", "shared@x.org", "g"), Token)).Value;
        var client = Client("acme", "my-domain");

        var takeAdmin = await _users.UpsertAsync(client, new ClientUser("Evil", null, "BOSS@x.org", "my-domain"), Token);
        var takeOther = await _users.UpsertAsync(client, new ClientUser("Evil", null, "shared@x.org", "my-domain"), Token);

        Assert.IsType<Failure.Forbidden>(takeAdmin.Failure);
        Assert.IsType<Failure.Forbidden>(takeOther.Failure);
        Assert.Equivalent(admin, await _store.FindAsync("boss", Token), strict: true);
        Assert.Equivalent(theirs, await _store.FindAsync(theirs.Name, Token), strict: true);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("not-the-clients")]
    public async Task A_client_grants_only_its_own_groups_and_never_admin(string group)
    {
        var client = Client("acme", "my-domain", "admin");

        var outcome = await _users.UpsertAsync(client, new ClientUser(null, null, "j@x.org", group), Token);

        Assert.IsType<Failure.Forbidden>(outcome.Failure);
        Assert.Null(await _store.FindByEmailAsync("j@x.org", Token));
    }

    [Theory]
    [InlineData("no-at-sign", null, "user.email")]
    [InlineData("a@b.c", "bad group!", "user.group_name")]
    public async Task Malformed_input_is_invalid_naming_the_field(string email, string? group, string field)
    {
        var outcome = await _users.UpsertAsync(Client("acme", "my-domain"), new ClientUser(null, null, email, group), Token);

        Assert.Equal(field, Assert.IsType<Failure.Invalid>(outcome.Failure).Field);
    }

    [Fact]
    public async Task A_disabled_user_stays_disabled_and_a_disabled_or_non_client_principal_manages_nobody()
    {
        var client = Client("acme", "my-domain");
        var user = (await _users.UpsertAsync(client, new ClientUser(null, null, "j@x.org", null), Token)).Value;
        Assert.True(await _store.UpdateAsync(user with { Enabled = false }, Token));

        Assert.IsType<Failure.Forbidden>((await _users.UpsertAsync(client, new ClientUser(null, null, "j@x.org", null), Token)).Failure);
        Assert.IsType<Failure.Forbidden>((await _users.UpsertAsync(client with { Enabled = false }, new ClientUser(null, null, "k@x.org", null), Token)).Failure);
        Assert.IsType<Failure.Forbidden>((await _users.UpsertAsync(client with { Kind = PrincipalKinds.User }, new ClientUser(null, null, "k@x.org", null), Token)).Failure);
        Assert.Equal("j@x.org", user.DisplayName);
    }
}
