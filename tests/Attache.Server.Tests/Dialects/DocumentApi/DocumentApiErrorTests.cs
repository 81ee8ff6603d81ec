using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Attache.Server.Tests.Audit;

namespace Attache.Server.Tests.Dialects.DocumentApi;

/// <summary>Every error of the seed, and the ones it leaves open, in the exact envelope with the HTTP status equal to statusCode.</summary>
public sealed class DocumentApiErrorTests(DocumentApiWorld world) : IClassFixture<DocumentApiWorld>
{
    private static CancellationToken Token => DocumentApiWorld.Token;

    public static TheoryData<string> MissingIds => new()
    {
        "{}", """{"document_id":""}""", """{"document_id":"   "}""", """{"document_id":null}""", """{"document_id":123}""",
        """{"document_id":["doc-abc-123-def-456"]}""", """{"document_id":{"id":"x"}}""", """{"documentId":"doc-abc-123-def-456"}""",
        "[]", "\"doc-abc-123-def-456\"", "null",
    };

    [Theory]
    [MemberData(nameof(MissingIds))]
    public async Task A_missing_empty_or_non_string_document_id_is_435(string body)
    {
        var token = await world.TokenAsync();

        using var response = await world.PostAsync("/docapi/download", body, token);

        await response.AssertErrorAsync(435, "Document ID is required");
    }

    [Fact]
    public async Task An_empty_body_is_a_missing_document_id_and_get_without_an_id_too()
    {
        var token = await world.TokenAsync();

        using var empty = await world.PostAsync("/docapi/download", "", token);
        using var get = await world.GetAsync("/docapi/download", token);
        using var getSlash = await world.GetAsync("/docapi/download/", token);

        await empty.AssertErrorAsync(435, "Document ID is required");
        await get.AssertErrorAsync(435, "Document ID is required");
        await getSlash.AssertErrorAsync(435, "Document ID is required");
    }

    [Theory]
    [InlineData("/docapi/download/%20")]
    [InlineData("/docapi/download/%20%09")]
    public async Task A_blank_id_in_the_path_is_a_missing_document_id_as_in_a_body(string path)
    {
        var token = await world.TokenAsync();

        using var get = await world.GetAsync(path, token);
        using var head = await world.GetAsync(path, token, HttpMethod.Head);
        using var anonymous = await world.GetAsync(path);

        await get.AssertErrorAsync(435, "Document ID is required");
        Assert.Equal(435, (int)head.StatusCode);
        await anonymous.AssertErrorAsync(403, "UNAUTHORIZED");
    }

    /// <summary>Authorization header values; empty for none.</summary>
    public static TheoryData<string> BadAuthorizations => new()
    {
        "", "Bearer", "Bearer ", "Bearer not-a-token", "Bearer a.b.c", "Basic eW91ci1jbGllbnQtaWQ6eW91ci1jbGllbnQtc2VjcmV0",
        "Bearer test-admin-key-0123456789", "bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
    };

    [Theory]
    [MemberData(nameof(BadAuthorizations))]
    public async Task A_missing_or_malformed_authorization_is_403_on_every_call(string authorization)
    {
        foreach (var (method, path) in new[] { ("POST", "/docapi/download"), ("GET", "/docapi/download/doc-abc-123-def-456"), ("HEAD", "/docapi/download/doc-abc-123-def-456"), ("POST", "/docapi/get-documents"), ("POST", "/docapi/get-document-details") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                request.Content = new StringContent("""{"document_id":"doc-abc-123-def-456","collection_id":"my-domain"}""", Encoding.UTF8, "application/json");
            }

            if (authorization.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await world.Http.SendAsync(request, Token);
            if (method == "HEAD")
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                continue;
            }

            await response.AssertErrorAsync(403, "UNAUTHORIZED");
        }
    }

    [Fact]
    public async Task A_token_with_one_character_changed_is_403()
    {
        var token = await world.TokenAsync();
        foreach (var position in new[] { 5, token.IndexOf('.', StringComparison.Ordinal) + 3, token.Length - 2 })
        {
            var tampered = token[..position] + (token[position] == 'A' ? 'B' : 'A') + token[(position + 1)..];

            using var response = await world.GetAsync("/docapi/download/doc-abc-123-def-456", tampered);

            await response.AssertErrorAsync(403, "UNAUTHORIZED");
        }
    }

    [Fact]
    public async Task Two_authorization_headers_are_403_even_when_one_is_valid()
    {
        var token = await world.TokenAsync();

        using var response = await world.GetAsync("/docapi/download/doc-abc-123-def-456", configure: request =>
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        });

        await response.AssertErrorAsync(403, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_native_access_token_is_not_a_document_api_token_and_the_reverse()
    {
        using var native = await world.Http.PostAsJsonAsync("/v1/tokens", new { clientId = "your-client-id", clientSecret = "your-client-secret" }, Token);
        Assert.Equal(HttpStatusCode.OK, native.StatusCode);
        var nativeToken = (await native.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("access_token").GetString()!;
        var docapiToken = await world.TokenAsync();

        using var refusedHere = await world.GetAsync("/docapi/download/doc-abc-123-def-456", nativeToken);
        using var refusedThere = await world.GetAsync("/v1/documents/doc-abc-123-def-456", docapiToken);
        using var nativeStillWorks = await world.GetAsync("/v1/documents/doc-abc-123-def-456", nativeToken);

        await refusedHere.AssertErrorAsync(403, "UNAUTHORIZED");
        Assert.Equal(HttpStatusCode.Unauthorized, refusedThere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, nativeStillWorks.StatusCode);
    }

    public static TheoryData<string> HiddenIds => new()
    {
        "no-such-doc", "other-doc", "deleted-doc", "a%2Fb", "a%5Cb", "R%C3%A9sum%C3%A9", "%E2%80%AEfdp.exe", new string('x', 129), new string('d', 5000),
    };

    /// <summary>Ids an HTTP client never puts in a path as they are (dot segments are resolved, NUL refused), sent in bodies only.</summary>
    public static TheoryData<string> BodyOnlyIds => new() { "..", "../doc-abc-123-def-456", "doc\0x", "doc-abc-123-def-456\n", "DOC-ABC-123-DEF-456" };

    [Theory]
    [MemberData(nameof(BodyOnlyIds))]
    public async Task Hostile_ids_in_a_body_are_437(string id)
    {
        var token = await world.TokenAsync();

        var body = JsonSerializer.Serialize(new { document_id = id });
        using var presign = await world.PostAsync("/docapi/download", body, token);
        using var details = await world.PostAsync("/docapi/get-document-details", body, token);

        await presign.AssertErrorAsync(437, "Document not found");
        await details.AssertErrorAsync(437, "Document not found");
    }

    [Theory]
    [MemberData(nameof(HiddenIds))]
    public async Task Missing_hidden_deleted_and_malformed_documents_are_all_437_on_both_methods(string id)
    {
        var token = await world.TokenAsync();

        using var presign = await world.PostAsync("/docapi/download", JsonSerializer.Serialize(new { document_id = Uri.UnescapeDataString(id) }), token);
        using var direct = await world.GetAsync("/docapi/download/" + id, token);

        await presign.AssertErrorAsync(437, "Document not found");
        await direct.AssertErrorAsync(437, "Document not found");
    }

    [Theory]
    [InlineData("url-doc")]
    [InlineData("empty-doc")]
    [InlineData("removed-doc")]
    public async Task A_url_based_document_or_one_without_an_uploaded_file_has_no_file_path(string id)
    {
        var token = await world.TokenAsync();

        using var presign = await world.PostAsync("/docapi/download", JsonSerializer.Serialize(new { document_id = id }), token);
        using var direct = await world.GetAsync("/docapi/download/" + id, token);

        await presign.AssertErrorAsync(435, "Document has no file path");
        await direct.AssertErrorAsync(435, "Document has no file path");
    }

    [Fact]
    public async Task A_token_for_one_group_reads_another_groups_document_as_not_found()
    {
        var other = await world.TokenAsync(email: "olga@example.com", group: "other-domain", clientId: "other-client-id", secret: "other-client-secret");

        using var hidden = await world.GetAsync("/docapi/download/doc-abc-123-def-456", other);
        using var hiddenUrl = await world.PostAsync("/docapi/download", """{"document_id":"doc-abc-123-def-456"}""", other);
        using var own = await world.GetAsync("/docapi/download/other-doc", other);

        await hidden.AssertErrorAsync(437, "Document not found");
        await hiddenUrl.AssertErrorAsync(437, "Document not found");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("other group's bytes", await own.Content.ReadAsStringAsync(Token));
    }

    public static TheoryData<string?, string> UnreadableBodies => new()
    {
        { "text/plain", """{"document_id":"doc-abc-123-def-456"}""" },
        { "application/x-www-form-urlencoded", "document_id=doc-abc-123-def-456" },
        { null, """{"document_id":"doc-abc-123-def-456"}""" },
    };

    [Theory]
    [MemberData(nameof(UnreadableBodies))]
    public async Task A_body_not_declared_as_json_is_415(string? contentType, string body)
    {
        var token = await world.TokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/docapi/download") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await world.Http.SendAsync(request, Token);

        await response.AssertErrorAsync(415, "Content-Type must be application/json");
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"document_id":"doc-abc-123-def-456",}""")]
    [InlineData("""{"document_id":"a","document_id":"doc-abc-123-def-456"}""")]
    [InlineData("not json")]
    [InlineData("[[[[[[[[[[[[[[[[[[[[\"too deep\"]]]]]]]]]]]]]]]]]]]]")]
    public async Task A_malformed_json_body_is_400(string body)
    {
        var token = await world.TokenAsync();

        using var presign = await world.PostAsync("/docapi/download", body, token);
        using var issue = await world.PostAsync("/docapi/generate-client-auth-token", body);

        await presign.AssertErrorAsync(400, "Malformed JSON body");
        await issue.AssertErrorAsync(400, "Malformed JSON body");
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_answer_in_the_envelope()
    {
        var token = await world.TokenAsync();

        using var unknown = await world.GetAsync("/docapi/no-such-call", token);
        using var wrongMethod = await world.Http.PutAsync("/docapi/download", new StringContent("{}", Encoding.UTF8, "application/json"), Token);
        using var getToken = await world.GetAsync("/docapi/generate-client-auth-token");

        await unknown.AssertErrorAsync(404, "NOT_FOUND");
        await wrongMethod.AssertErrorAsync(405, "METHOD_NOT_ALLOWED");
        await getToken.AssertErrorAsync(405, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task Head_and_range_on_a_direct_download_go_through_the_download_engine()
    {
        var token = await world.TokenAsync();

        using var head = await world.GetAsync("/docapi/download/doc-abc-123-def-456", token, HttpMethod.Head);
        using var range = await world.GetAsync("/docapi/download/doc-abc-123-def-456", token, configure: r => r.Headers.Range = new RangeHeaderValue(0, 7));
        using var beyond = await world.GetAsync("/docapi/download/doc-abc-123-def-456", token, configure: r => r.Headers.Range = new RangeHeaderValue(10_000, 10_001));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(Encoding.UTF8.GetByteCount(DocumentApiWorld.SeedPdf), head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal("%PDF-1.4", await range.Content.ReadAsStringAsync(Token));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
    }

    [Fact]
    public async Task The_first_file_of_the_file_slot_is_the_documents_file()
    {
        var token = await world.TokenAsync();

        using var response = await world.GetAsync("/docapi/download/two-slots", token);

        Assert.Equal("main", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Downloads_are_audited_under_the_user()
    {
        var token = await world.TokenAsync(email: "audit@example.com");
        using (var response = await world.GetAsync("/docapi/download/stored-type", token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var admin = world.App.CreateAdminClient();
        var events = await admin.AuditEventsAsync("?action=download&document=stored-type");
        Assert.StartsWith("cu-", events[0].GetProperty("principal").GetString(), StringComparison.Ordinal);
    }
}
