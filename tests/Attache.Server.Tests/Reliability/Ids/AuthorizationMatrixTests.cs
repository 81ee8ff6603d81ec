using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Auth;

namespace Attache.Server.Tests.Reliability.Ids;

/// <summary>
/// B12: every scheme (API key, access token, session cookie) × {owner, shared reader, stranger, anonymous} × every
/// endpoint that touches a document or its file (metadata, list of files, download, HEAD, Range, versions, the text
/// rendition, link issue, editor sessions, edit, upload, remove, delete, the listing, and the dialect download routes
/// that the scheme opens). The document is a canary, a transcript whose bytes, title and name carry its marker: every
/// answer to the stranger and to anonymous is searched for it, and the stranger's answer must equal, byte for byte
/// (the ids aside), the answer for ids that do not exist.
/// </summary>
public sealed partial class AuthorizationMatrixTests : IAsyncLifetime
{
    private const string Secret = "matrix-secret-1";

    private readonly AttacheApp _app = new();
    private HttpClient _admin = null!;

    public static TheoryData<string, string> Rows => new()
    {
        { "api key", "owner" }, { "api key", "reader" }, { "api key", "stranger" }, { "api key", "anonymous" },
        { "access token", "owner" }, { "access token", "reader" }, { "access token", "stranger" }, { "access token", "anonymous" },
        { "session cookie", "owner" }, { "session cookie", "reader" }, { "session cookie", "stranger" }, { "session cookie", "anonymous" },
    };

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        foreach (var role in new[] { "owner", "reader", "stranger" })
        {
            await _admin.CreatePrincipalAsync(new { name = $"u-{role}", password = Secret });
            await _admin.CreatePrincipalAsync(new { name = $"c-{role}", kind = "client", clientId = $"c-{role}-id", clientSecret = Secret });
        }
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task B12_each_scheme_and_actor_gets_exactly_the_matrix_and_a_stranger_cannot_tell_the_document_exists(string scheme, string actor)
    {
        var prefix = scheme == "access token" ? "c-" : "u-";
        var canary = await PlantTranscriptAsync(prefix + "owner", prefix + "reader");
        var forbidden = actor is "owner" or "reader" ? [] : new[] { canary };
        var (client, watch) = LeakWatch.Client(_app, forbidden);
        using var _ = client;
        await AuthenticateAsync(client, scheme, actor == "anonymous" ? null : prefix + actor);
        var listed = await ListedIdsAsync(client, $"/v1/documents?owner={prefix}owner");
        Assert.Equal(actor is "owner" or "reader" ? [canary.DocumentId] : actor == "anonymous" ? null : [], listed);

        foreach (var (name, expected) in Expectations(actor))
        {
            using var response = await client.SendAsync(Request(name, canary.DocumentId, canary.FileId), NativeApi.Token);
            Assert.True(expected == response.StatusCode, $"{scheme} {actor} {name}: {(int)response.StatusCode}, expected {(int)expected}");
            if (actor == "stranger")
            {
                using var nonexistent = await client.SendAsync(Request(name, "no-such-document", "999999999"), NativeApi.Token);
                Assert.Equal(await ShapeAsync(nonexistent, "no-such-document", "999999999"), await ShapeAsync(response, canary.DocumentId, canary.FileId));
            }
        }

        if (actor == "stranger")
        {
            foreach (var (path, expected) in DialectRoutes(scheme, canary))
            {
                using var response = await client.GetAsync(path, NativeApi.Token);
                Assert.True(expected == response.StatusCode, $"{scheme} stranger {path}: {(int)response.StatusCode}, expected {(int)expected}");
            }
        }

        Assert.Empty(watch.Leaks);
        Assert.True(watch.Searched > 15);
        Assert.Empty(_app.Errors);
    }

    /// <summary>What each actor gets from each endpoint; the last two remove the file and delete the document.</summary>
    private static IEnumerable<(string Name, HttpStatusCode Expected)> Expectations(string actor)
    {
        HttpStatusCode Read(HttpStatusCode success) => actor switch
        {
            "owner" or "reader" => success,
            "stranger" => HttpStatusCode.NotFound,
            _ => HttpStatusCode.Unauthorized,
        };
        HttpStatusCode Write(HttpStatusCode success) => actor switch
        {
            "owner" => success,
            "reader" => HttpStatusCode.Forbidden,
            "stranger" => HttpStatusCode.NotFound,
            _ => HttpStatusCode.Unauthorized,
        };

        return
        [
            ("metadata", Read(HttpStatusCode.OK)),
            ("files", Read(HttpStatusCode.OK)),
            ("file metadata", Read(HttpStatusCode.OK)),
            ("download", Read(HttpStatusCode.OK)),
            ("head", Read(HttpStatusCode.OK)),
            ("range", Read(HttpStatusCode.PartialContent)),
            ("conditional", Read(HttpStatusCode.NotModified)),
            ("versions", Read(HttpStatusCode.OK)),
            ("version download", Read(HttpStatusCode.OK)),
            ("text rendition", Read(HttpStatusCode.OK)),
            ("link", Read(HttpStatusCode.OK)),
            ("editor sessions", Read(HttpStatusCode.OK)),
            ("edit", Write(HttpStatusCode.OK)),
            ("upload", Write(HttpStatusCode.Created)),
            ("remove file", Write(HttpStatusCode.NoContent)),
            ("delete", Write(HttpStatusCode.NoContent)),
        ];
    }

    /// <summary>
    /// The dialect routes the scheme opens to a stranger. Dynacase answers 403 <c>API0010</c> to a caller without view,
    /// as its product does and the README documents (it tells that the document exists, never its content); the chat
    /// dialect answers 404 like the native API.
    /// </summary>
    private static IEnumerable<(string Path, HttpStatusCode Expected)> DialectRoutes(string scheme, Canary canary) => scheme == "session cookie"
        ? [
            ($"/chat/api/v1/attachments/{canary.FileId}", HttpStatusCode.NotFound),
            ($"/chat/api/v1/attachments/{canary.FileId}/{canary.Marker}.json", HttpStatusCode.NotFound),
            ($"/chat/api/v1/messages/{canary.DocumentId}/attachments", HttpStatusCode.NotFound),
        ]
        : [
            ($"/dynacase/api/documents/{canary.DocumentId}", HttpStatusCode.Forbidden),
            ($"/dynacase/api/documents/{canary.DocumentId}/file/{canary.FileId}", HttpStatusCode.Forbidden),
            ($"/dynacase/file/{canary.DocumentId}/{canary.FileId}/-1/file/x.json", HttpStatusCode.Forbidden),
        ];

    private static HttpRequestMessage Request(string name, string documentId, string fileId)
    {
        var (method, path) = name switch
        {
            "metadata" => (HttpMethod.Get, $"/v1/documents/{documentId}"),
            "files" => (HttpMethod.Get, $"/v1/documents/{documentId}/files"),
            "file metadata" => (HttpMethod.Get, $"/v1/files/{fileId}"),
            "head" => (HttpMethod.Head, $"/v1/files/{fileId}/content"),
            "versions" => (HttpMethod.Get, $"/v1/files/{fileId}/versions"),
            "version download" => (HttpMethod.Get, $"/v1/files/{fileId}/versions/1/content"),
            "link" => (HttpMethod.Post, $"/v1/files/{fileId}/links"),
            "editor sessions" => (HttpMethod.Get, $"/v1/files/{fileId}/editor-sessions"),
            "edit" => (HttpMethod.Patch, $"/v1/documents/{documentId}"),
            "upload" => (HttpMethod.Put, $"/v1/documents/{documentId}/files/extra?fileName=extra.txt"),
            "remove file" => (HttpMethod.Delete, $"/v1/files/{fileId}"),
            "delete" => (HttpMethod.Delete, $"/v1/documents/{documentId}"),
            _ => (HttpMethod.Get, $"/v1/files/{fileId}/content"),
        };
        var request = new HttpRequestMessage(method, path);
        switch (name)
        {
            case "range":
                request.Headers.Range = new RangeHeaderValue(0, 9);
                break;
            case "conditional":
                request.Headers.TryAddWithoutValidation("If-None-Match", "*");
                break;
            case "text rendition":
                request.Headers.Accept.ParseAdd("text/plain");
                break;
            case "edit":
                request.Content = JsonContent.Create(new { properties = new Dictionary<string, string> { ["seen"] = "yes" } });
                break;
            case "upload":
                request.Content = new ByteArrayContent("extra"u8.ToArray());
                break;
        }

        return request;
    }

    /// <summary>
    /// The status, content headers and body of an answer, to compare two answers: the quoted ids the detail names (the
    /// caller's own words), the request's trace id and the length that follows from them are set aside.
    /// </summary>
    private static async Task<string> ShapeAsync(HttpResponseMessage response, string documentId, string fileId)
    {
        var body = TraceId().Replace(await response.Content.ReadAsStringAsync(NativeApi.Token), "\"traceId\":\"…\"")
            .Replace($"'{documentId}'", "'{document}'", StringComparison.Ordinal)
            .Replace($"'{fileId}'", "'{file}'", StringComparison.Ordinal);
        return new StringBuilder().Append((int)response.StatusCode).Append('\n')
            .AppendJoin('\n', response.Content.Headers.Where(h => h.Key != "Content-Length").Select(h => h.Key + ": " + string.Join(",", h.Value)))
            .Append('\n').Append(body).ToString();
    }

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();

    private async Task AuthenticateAsync(HttpClient client, string scheme, string? principal)
    {
        if (principal is null)
        {
            return;
        }

        switch (scheme)
        {
            case "api key":
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await _admin.IssueKeyAsync(principal));
                break;
            case "access token":
                using (var response = await client.PostAsync("/v1/tokens", new FormUrlEncodedContent(new Dictionary<string, string>
                       {
                           ["grant_type"] = "client_credentials", ["client_id"] = principal + "-id", ["client_secret"] = Secret,
                       }), NativeApi.Token))
                {
                    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await response.JsonAsync()).Str("access_token"));
                }

                break;
            default:
                using (var response = await client.PostAsJsonAsync("/v1/sessions", new { name = principal, password = Secret }, NativeApi.Token))
                {
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                    client.DefaultRequestHeaders.Add("Cookie", response.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
                }

                break;
        }
    }

    private static async Task<List<string>?> ListedIdsAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, NativeApi.Token);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return null;
        }

        var page = await response.JsonAsync();
        return [.. page.GetProperty("items").EnumerateArray().Select(item => item.Str("id"))];
    }

    /// <summary>A transcript owned by <paramref name="owner"/> that <paramref name="reader"/> may view, its marker in title, name and text.</summary>
    private async Task<Canary> PlantTranscriptAsync(string owner, string reader)
    {
        var marker = Canary.NewMarker();
        var document = await _admin.CreateDocumentAsync(new
        {
            kind = "transcript",
            owner,
            title = marker,
            acl = new[] { new { principal = reader, permissions = new[] { "view" } } },
        });
        var transcript = JsonSerializer.Serialize(new
        {
            speakers = new[] { new { id = 1, name = "Witness" } },
            monologues = new[]
            {
                new { id = 1, speaker = 1, speaker_name = "Witness", monologue_type = "answer", elements = new[] { new { type = "text", value = string.Join(" ", Enumerable.Repeat(marker, 8)) } } },
            },
        });
        var file = await _admin.UploadAsync(document.Str("id"), Encoding.UTF8.GetBytes(transcript), marker + ".json");
        return new Canary(marker, document.Str("id"), file.Str("id"), owner);
    }
}
