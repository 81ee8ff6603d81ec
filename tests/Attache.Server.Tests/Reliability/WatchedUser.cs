using Attache.Server.Tests.Api;
using Attache.Server.Tests.Auth;

namespace Attache.Server.Tests.Reliability;

/// <summary>
/// A user "uma" who owns one document, and a canary of another owner she may not read: every response to her client
/// is searched for the canary's marker. <see cref="AssertClean"/> checks that nothing leaked and the server logged
/// no error.
/// </summary>
internal sealed class WatchedUser : IDisposable
{
    public const string Name = "uma";

    private readonly List<Canary> _forbidden;

    private WatchedUser(AttacheApp app, HttpClient admin, HttpClient client, LeakWatch watch, List<Canary> forbidden, string key)
    {
        _forbidden = forbidden;
        App = app;
        Admin = admin;
        Client = client;
        Watch = watch;
        Key = key;
    }

    public AttacheApp App { get; }

    public HttpClient Admin { get; }

    /// <summary>Speaks as the user; its responses are searched for the canary.</summary>
    public HttpClient Client { get; }

    public LeakWatch Watch { get; }

    /// <summary>A document of "other" the user may not read.</summary>
    public Canary Canary => _forbidden[0];

    /// <summary>The user's API key, for requests written by hand.</summary>
    public string Key { get; }

    /// <summary>Creates the two principals, the canary and the user's document <paramref name="documentId"/>.</summary>
    public static async Task<WatchedUser> StartAsync(AttacheApp app, string documentId = "doc", object? document = null)
    {
        var admin = app.CreateAdminClient();
        await admin.CreatePrincipalAsync(new { name = Name });
        await admin.CreatePrincipalAsync(new { name = "other" });
        var canary = await Canary.PlantAsync(admin, "other");
        var key = await admin.IssueKeyAsync(Name);
        List<Canary> forbidden = [canary];
        var (client, watch) = LeakWatch.Client(app, forbidden, key);
        client.Timeout = TimeSpan.FromMinutes(2);
        await admin.CreateDocumentAsync(document ?? new { id = documentId, owner = Name });
        return new WatchedUser(app, admin, client, watch, forbidden, key);
    }

    /// <summary>Adds a marker the user may not read either: responses are searched for it from now on.</summary>
    public void Forbid(Canary canary)
    {
        lock (_forbidden)
        {
            _forbidden.Add(canary);
        }
    }

    /// <summary>The blobs stored now (staging included), to compare with after a refused upload.</summary>
    public HashSet<string> Blobs() => [.. App.BlobFiles()];

    /// <summary>Nothing leaked to the user, nothing logged at Error.</summary>
    public void AssertClean()
    {
        Assert.Empty(Watch.Leaks);
        Assert.Empty(App.Errors);
    }

    public void Dispose()
    {
        Client.Dispose();
        Admin.Dispose();
    }
}
