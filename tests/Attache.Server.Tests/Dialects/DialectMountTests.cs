using System.Net;

namespace Attache.Server.Tests.Dialects;

/// <summary>Each dialect answers at its configured path base, and not at all when switched off.</summary>
public sealed class DialectMountTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> Dialects => new()
    {
        { "SpeechExec", "/SEEAppInterface", "/dms/users" },
        { "DocumentApi", "/docapi", "/download/some-document" },
        { "RevLegal", "/rev", "/api/v1/attachments/1/content" },
        { "Dynacase", "/dynacase", "/api/documents/1" },
        { "Chat", "/chat", "/api/v1/attachments/1" },
    };

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task A_dialect_moved_to_another_path_base_answers_there_in_its_own_envelope_and_no_longer_at_the_default(
        string name, string defaultBase, string probe)
    {
        await using var atDefault = new AttacheApp();
        using var defaultClient = atDefault.CreateClient();
        using var expected = await defaultClient.GetAsync(defaultBase + probe, Token);
        Assert.NotEqual(HttpStatusCode.NotFound, expected.StatusCode);

        await using var moved = new AttacheApp(new Dictionary<string, string?> { [$"Attache:Dialects:{name}:PathBase"] = "/elsewhere/" + name });
        using var client = moved.CreateClient();
        using var there = await client.GetAsync($"/elsewhere/{name}{probe}", Token);
        using var gone = await client.GetAsync(defaultBase + probe, Token);

        Assert.Equal(expected.StatusCode, there.StatusCode);
        Assert.Equal(expected.Content.Headers.ContentType?.MediaType, there.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task A_switched_off_dialect_is_not_mounted(string name, string defaultBase, string probe)
    {
        await using var app = new AttacheApp(new Dictionary<string, string?> { [$"Attache:Dialects:{name}:Enabled"] = "false" });
        using var client = app.CreateClient();

        using var response = await client.GetAsync(defaultBase + probe, Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("elsewhere")]
    [InlineData("/")]
    [InlineData("/trailing/")]
    public async Task A_path_base_that_is_not_an_absolute_path_stops_the_server_at_start(string pathBase)
    {
        await using var app = new AttacheApp(new Dictionary<string, string?> { ["Attache:Dialects:Chat:PathBase"] = pathBase });

        var error = Assert.Throws<InvalidOperationException>(() => app.CreateClient());

        Assert.Contains("Attache:Dialects:Chat:PathBase", error.Message, StringComparison.Ordinal);
    }
}
