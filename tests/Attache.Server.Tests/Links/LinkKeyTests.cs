using System.Net;
using System.Net.Http.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Links;

/// <summary>Where link keys come from: configuration with rotation, or one generated key every node shares.</summary>
public sealed class LinkKeyTests
{
    private static readonly string OldKey = Convert.ToBase64String(Enumerable.Repeat((byte)0x11, 32).ToArray());
    private static readonly string NewKey = Convert.ToBase64String(Enumerable.Repeat((byte)0x22, 48).ToArray());

    private static async Task<string> UploadAndIssueAsync(AttacheApp app)
    {
        using var admin = app.CreateAdminClient();
        await admin.CreateDocumentAsync(new { id = "doc" });
        var fileId = (await admin.UploadAsync("doc", "shared bytes"u8.ToArray())).Str("id");
        return await IssueAsync(app, fileId);
    }

    private static async Task<string> IssueAsync(AttacheApp app, string fileId)
    {
        using var admin = app.CreateAdminClient();
        using var response = await admin.PostAsync($"/v1/files/{fileId}/links", null, NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Uri((await response.JsonAsync()).Str("url")).PathAndQuery;
    }

    private static async Task<HttpStatusCode> GetAsync(AttacheApp app, string path)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(path, NativeApi.Token);
        return response.StatusCode;
    }

    /// <summary>A second node: the same store (data folder and database), its own settings.</summary>
    private static AttacheApp Node(AttacheApp first, Dictionary<string, string?>? settings = null) => new(settings, store: first.Store);

    [Fact]
    public async Task Without_configured_keys_every_node_verifies_what_another_signed()
    {
        await using var first = new AttacheApp();
        var path = await UploadAndIssueAsync(first);
        await using var second = Node(first);

        Assert.Equal(HttpStatusCode.OK, await GetAsync(second, path));
    }

    [Fact]
    public async Task A_link_signed_with_the_old_key_still_works_after_a_new_key_becomes_current()
    {
        await using var before = new AttacheApp(new Dictionary<string, string?> { ["Attache:Links:Keys:2025"] = OldKey });
        var oldPath = await UploadAndIssueAsync(before);

        await using var rotated = Node(before, new Dictionary<string, string?>
        {
            ["Attache:Links:Keys:2025"] = OldKey,
            ["Attache:Links:Keys:2026"] = NewKey,
            ["Attache:Links:CurrentKey"] = "2026",
        });
        var newPath = await IssueAsync(rotated, "1");
        Assert.Equal(HttpStatusCode.OK, await GetAsync(rotated, oldPath));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(rotated, newPath));
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(before, newPath));

        await using var retired = Node(before, new Dictionary<string, string?> { ["Attache:Links:Keys:2026"] = NewKey });
        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(retired, oldPath));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(retired, newPath));
    }

    [Fact]
    public async Task Configured_keys_replace_the_generated_one()
    {
        await using var generated = new AttacheApp();
        var path = await UploadAndIssueAsync(generated);

        await using var configured = Node(generated, new Dictionary<string, string?> { ["Attache:Links:Keys:k1"] = NewKey });

        Assert.Equal(HttpStatusCode.Forbidden, await GetAsync(configured, path));
    }

    [Theory]
    [InlineData("Attache:Links:Keys:k1", "c2hvcnQ=", "Attache:Links:Keys:k1 must be at least 32 bytes")]
    [InlineData("Attache:Links:Keys:k1", "not base64!", "Attache:Links:Keys:k1 must be base64")]
    [InlineData("Attache:Links:Keys:k.1", null, "Attache:Links:Keys:k.1: a link key id")]
    [InlineData("Attache:Links:CurrentKey", "k9", "Attache:Links:CurrentKey is 'k9'")]
    [InlineData("Attache:Links:MaxTtl", "00:30:00", "Attache:Links:MaxTtl (00:30:00) must be at least Attache:Links:DefaultTtl")]
    [InlineData("Attache:Links:DefaultTtl", "00:00:00", "Attache:Links:DefaultTtl must be at least one second")]
    public void A_broken_link_setting_stops_the_start_with_a_message_naming_it(string key, string? value, string message)
    {
        var settings = new Dictionary<string, string?> { [key] = value ?? NewKey };
        if (key == "Attache:Links:CurrentKey")
        {
            settings["Attache:Links:Keys:k1"] = NewKey;
        }

        using var app = new AttacheApp(settings);

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configured_lifetimes_are_the_default_and_the_limit()
    {
        await using var app = new AttacheApp(new Dictionary<string, string?>
        {
            ["Attache:Links:DefaultTtl"] = "00:05:00",
            ["Attache:Links:MaxTtl"] = "00:10:00",
        });
        using var admin = app.CreateAdminClient();
        await admin.CreateDocumentAsync(new { id = "doc" });
        var fileId = (await admin.UploadAsync("doc", [1])).Str("id");

        using var byDefault = await admin.PostAsync($"/v1/files/{fileId}/links", null, NativeApi.Token);
        using var tooLong = await admin.PostAsJsonAsync($"/v1/files/{fileId}/links", new { ttlSeconds = 601 }, NativeApi.Token);

        Assert.Equal(app.Clock.GetUtcNow().AddMinutes(5), (await byDefault.JsonAsync()).GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Contains("between 1 and 600", (await tooLong.ProblemAsync(HttpStatusCode.BadRequest)).Str("detail"), StringComparison.Ordinal);
    }
}
