using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Attache.Client;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Auth;
using Attache.Server.Tests.Import;

namespace Attache.Server.Tests.Reliability.Generated;

/// <summary>
/// The demo world (every dialect's principals and documents) plus canaries owned by <c>olivia</c>, which none of the
/// generated callers may read: a plain document, a finished dictation with a Dynacase file attribute, a transcript and
/// a chat message in a room no caller is in. <c>sam</c> is a stranger with documents of his own to upload into.
/// </summary>
public sealed class GeneratedWorld : IAsyncLifetime
{
    public const string Stranger = "sam";
    public const string SamDocument = "sam-doc";
    public const string SamUploads = "sam-uploads";
    public const string DictationCanaryId = "5c0ffee0-0000-4000-8000-0000000000c1";
    public const string MessageCanaryId = "9901";

    /// <summary>In every generated file name, so a file the server created from a caller's name can be found by it.</summary>
    public static readonly string NameToken = "zzgen" + Guid.NewGuid().ToString("N")[..10];

    public AttacheApp App { get; } = new();

    internal List<Canary> Canaries { get; } = [];

    internal List<Credential> Credentials { get; } = [];

    /// <summary>Ids that name something: canaries, the demo's documents and files, sam's own.</summary>
    internal List<string> KnownIds { get; } = ["doc-welcome", "welcome-1", "1256", "42", "77", "dyn-1001", "dyn-file-1", "dyn-file-2", "rev-transcript-1", "rev-att-1", "url-doc-1", "1ea29334-6008-41e4-8db5-0c88c14f6ac0", SamDocument];

    public string SamFileId { get; private set; } = "";

    public string SamFileETag { get; private set; } = "";

    public string SamLinkToken { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        using var admin = App.CreateAdminClient();
        await new AttacheClient(admin).ImportAsync(Samples.Demo, NativeApi.Token);
        await admin.CreatePrincipalAsync(new { name = "olivia" });
        await admin.CreatePrincipalAsync(new { name = Stranger });
        var samKey = await admin.IssueKeyAsync(Stranger);
        var revokedKey = await RevokedKeyAsync(admin);

        Canaries.Add(await Canary.PlantAsync(admin, "olivia"));
        Canaries.Add(await PlantAsync(admin, new
        {
            id = DictationCanaryId, kind = "dictation", owner = "olivia", state = "TranscriptionFinished", folder = "archive",
            attributes = new[] { new { id = "fi_file", type = "file", multiple = false, visibility = "W" } },
        }, "attachment", "fi_file"));
        Canaries.Add(await PlantAsync(admin, new { kind = "transcript", owner = "olivia", properties = new Dictionary<string, string> { ["transcriptType"] = "AIRoughDraft" } }, "file"));
        Canaries.Add(await PlantAsync(admin, new { id = MessageCanaryId, kind = "message", owner = "olivia", properties = new Dictionary<string, string> { ["roomId"] = "7" } }, "file"));
        foreach (var canary in Canaries)
        {
            KnownIds.Add(canary.DocumentId);
            KnownIds.Add(canary.FileId);
        }

        using var sam = App.ClientWithKey(samKey);
        await sam.CreateDocumentAsync(new { id = SamDocument, title = "sam's" });
        await sam.CreateDocumentAsync(new { id = SamUploads, title = "sam's uploads" });
        var file = await sam.UploadAsync(SamDocument, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789", 100))), "sam.txt");
        SamFileId = file.Str("id");
        KnownIds.Add(SamFileId);
        using (var head = await sam.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v1/files/{SamFileId}/content"), NativeApi.Token))
        {
            SamFileETag = head.Headers.ETag!.Tag;
        }

        using (var link = await sam.PostAsJsonAsync($"/v1/files/{SamFileId}/links", new { ttlSeconds = 3600 }, NativeApi.Token))
        {
            SamLinkToken = new Uri((await link.JsonAsync()).Str("url")).AbsolutePath["/l/".Length..];
            KnownIds.Add(SamLinkToken);
        }

        var chatCookie = await SessionCookieAsync("chat-user", "chat-demo-password");
        var docapiToken = await DocumentApiTokenAsync();
        var samBearer = Credential.Bearer("sam", samKey);
        Credentials.AddRange(
        [
            Credential.None,
            samBearer,
            Credential.Bearer("revoked key", revokedKey),
            Credential.Bearer("unknown key", "atk_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray())),
            new Credential("empty bearer", [("Authorization", "Bearer ")]),
            new Credential("two authorizations", [("Authorization", "Bearer " + samKey), ("Authorization", "Bearer atk_x")]),
            Credential.Bearer("alg none", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiIsImFkbWluIjp0cnVlfQ."),
            Credential.Basic("sarah basic", "sarah", "sarah-demo-password"),
            Credential.Basic("sarah wrong basic", "sarah", "wrong"),
            new Credential("dynacase key", [("Authorization", "Dynacase demo-key-sarah-0123456789abcdef")]),
            new Credential("speechexec key", [("x-sps-api-key", "demo-speechexec-key-0123456789")]),
            new Credential("wrong speechexec key", [("x-sps-api-key", "demo-speechexec-key-0123456788")]),
            new Credential("rev keys", [("Authorization", "Rev demo-key-rev-client-0123456789abcdef:demo-key-rev-user-0123456789abcdef")]),
            new Credential("rev user key as client", [("Authorization", "Rev demo-key-rev-user-0123456789abcdef:demo-key-rev-user-0123456789abcdef")]),
            new Credential("chat cookie", [("Cookie", chatCookie)]),
            new Credential("changed chat cookie", [("Cookie", Flip(chatCookie))]),
            new Credential("sam key and chat cookie", [.. samBearer.Headers, ("Cookie", chatCookie)]),
            Credential.Bearer("document api token", docapiToken),
            Credential.Bearer("changed document api token", Flip(docapiToken)),
        ]);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();

    /// <summary>The valid credentials of the API that <paramref name="path"/> belongs to.</summary>
    internal IEnumerable<Credential> CredentialsFor(string path)
    {
        var names = path.Split('/')[1] switch
        {
            "SEEAppInterface" => ["speechexec key"],
            "rev" => ["rev keys"],
            "dynacase" => ["dynacase key", "sam"],
            "chat" => ["chat cookie"],
            "docapi" => ["document api token"],
            _ => new[] { "sam", "sam key and chat cookie" },
        };
        return Credentials.Where(credential => names.Contains(credential.Name));
    }

    private static string Flip(string text) => text[..^3] + (text[^3] == 'A' ? 'B' : 'A') + text[^2..];

    private async Task<Canary> PlantAsync(HttpClient admin, object document, params string[] slots)
    {
        var marker = Canary.NewMarker();
        var fields = JsonSerializer.SerializeToNode(document)!.AsObject();
        fields["title"] = marker;
        var documentId = (await admin.CreateDocumentAsync(fields)).Str("id");
        var fileId = "";
        foreach (var slot in slots)
        {
            var file = await admin.UploadAsync(documentId, Canary.ContentOf(marker), marker + ".txt", slot);
            fileId = fileId.Length == 0 ? file.Str("id") : fileId;
            KnownIds.Add(file.Str("id"));
        }

        return new Canary(marker, documentId, fileId, "olivia");
    }

    private static async Task<string> RevokedKeyAsync(HttpClient admin)
    {
        using var issued = await admin.PostAsync($"/v1/principals/{Stranger}/api-keys", null, NativeApi.Token);
        var key = await issued.JsonAsync();
        using var revoked = await admin.DeleteAsync($"/v1/principals/{Stranger}/api-keys/{key.Str("id")}", NativeApi.Token);
        Assert.True(revoked.IsSuccessStatusCode);
        return key.Str("key");
    }

    private async Task<string> SessionCookieAsync(string name, string password)
    {
        using var client = App.CreateClient();
        using var response = await client.PostAsJsonAsync("/v1/sessions", new { name, password }, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    private async Task<string> DocumentApiTokenAsync()
    {
        using var client = App.CreateClient();
        using var response = await client.PostAsJsonAsync("/docapi/generate-client-auth-token", new
        {
            client_id = "demo-client",
            client_secret = "demo-client-secret",
            fingerprint = "generated-input",
            user = new { first_name = "Gen", last_name = "Erated", email = "gen@example.com", group_name = "my-domain" },
        }, NativeApi.Token);
        var body = await response.Content.ReadAsStringAsync(NativeApi.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("access_token").GetString()!;
    }
}
