using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Dialects.RevLegal;

/// <summary>
/// The server with a Rev integration imported: a client principal and two users with API keys, and one transcript of
/// each type (documents owned by <c>rev-user</c>), plus a recording that is not a transcript.
/// </summary>
public sealed class RevWorld : IAsyncLifetime
{
    public const string ClientKey = "rev-client-key-0123456789abcdef";
    public const string UserKey = "rev-user-key-0123456789abcdef";
    public const string OtherUserKey = "rev-other-key-0123456789abcdef";

    public const string Json = "application/json+rev-transcript";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Pdf = "application/pdf";
    public const string Text = "text/plain";

    /// <summary>Smart quotes, é, ß, Ł, Chinese and an emoji, with per-word timestamps and a monologue type.</summary>
    public const string Transcript = """
        {"speakers":[{"id":1,"name":"Witness"}],"monologues":[{"id":1,"speaker":1,"speaker_name":"Witness","monologue_type":"answer","elements":[{"type":"text","value":"“Yes”","timestamp":"00:00:20,000","end_timestamp":"00:00:20,138"},{"type":"text","value":" "},{"type":"text","value":"é ß Ł 中文 😀"}]}]}
        """;

    public static readonly (string Id, string? Type, string? Preferred)[] Attachments =
    [
        ("att-ai", "AIRoughDraft", null),
        ("att-human", "HumanRoughDraft", null),
        ("att-rtc-docx", "ReadyToCertify", "docx"),
        ("att-rtc-txt", "ReadyToCertify", "txt"),
        ("att-rtc-none", "ReadyToCertify", null),
    ];

    public RevWorld()
        : this(null)
    {
    }

    /// <summary>The same world on a server with these settings.</summary>
    internal RevWorld(IDictionary<string, string?>? settings)
    {
        App = new AttacheApp(settings);
        Admin = App.CreateAdminClient();
    }

    public AttacheApp App { get; }

    public HttpClient Admin { get; }

    public async ValueTask InitializeAsync()
    {
        var documents = Attachments.Select(a => new
        {
            id = "order-" + a.Id,
            kind = "transcript",
            owner = "rev-user",
            properties = a.Preferred is null
                ? new Dictionary<string, string> { ["transcriptType"] = a.Type! }
                : new Dictionary<string, string> { ["transcriptType"] = a.Type!, ["preferredLegalFileType"] = a.Preferred },
            files = new object[] { new { id = a.Id, fileName = "deposition.json", mediaType = "application/json", content = new { text = Transcript } } },
        }).Cast<object>().Append(new
        {
            id = "order-media",
            kind = "transcript",
            owner = "rev-user",
            properties = new Dictionary<string, string> { ["transcriptType"] = "AIRoughDraft" },
            files = new object[] { new { id = "att-media", fileName = "hearing.mp3", mediaType = "audio/mpeg", content = new { base64 = "SUQzBAAAAAAA" } } },
        });
        var manifest = new
        {
            principals = new object[]
            {
                new { name = "rev-client", kind = "client", clientId = "rev-client", clientSecret = "rev-client-secret-0123456789", apiKeys = new[] { ClientKey } },
                new { name = "rev-user", kind = "user", apiKeys = new[] { UserKey } },
                new { name = "rev-other", kind = "user", apiKeys = new[] { OtherUserKey } },
            },
            documents,
        };
        using var response = await Admin.PostAsync(
            "/v1/import", new StringContent(JsonSerializer.Serialize(manifest), Encoding.UTF8, "application/json"), NativeApi.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(NativeApi.Token));
    }

    /// <summary>A client that sends <c>Authorization: Rev &lt;client&gt;:&lt;user&gt;</c>.</summary>
    public HttpClient Rev(string clientKey = ClientKey, string userKey = UserKey)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Rev", $"{clientKey}:{userKey}");
        return client;
    }

    /// <summary>A native API client speaking as the user behind <paramref name="key"/>.</summary>
    public HttpClient Native(string key = UserKey)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await App.DisposeAsync();
    }
}
