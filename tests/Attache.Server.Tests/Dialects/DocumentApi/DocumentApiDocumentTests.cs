using System.Net;
using System.Text.Json;

namespace Attache.Server.Tests.Dialects.DocumentApi;

/// <summary>Get Documents, Get Document Details, and the Content-Type and file name of each seed file type.</summary>
public sealed class DocumentApiDocumentTests(DocumentApiWorld world) : IClassFixture<DocumentApiWorld>
{
    private static CancellationToken Token => DocumentApiWorld.Token;

    public static TheoryData<string, string> Types()
    {
        var data = new TheoryData<string, string>();
        foreach (var (fileName, mediaType) in DocumentApiWorld.FileTypes)
        {
            data.Add(fileName, mediaType);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task Each_seed_file_type_is_served_with_its_content_type_from_the_extension(string fileName, string mediaType)
    {
        var token = await world.TokenAsync();

        using var response = await world.GetAsync("/docapi/download/" + DocumentApiWorld.TypeDocument(fileName), token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"attachment; filename=\"{fileName}\"", response.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal("bytes of " + fileName, await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task The_stored_type_wins_and_gives_a_name_without_extension_its_extension()
    {
        var token = await world.TokenAsync();

        using var response = await world.GetAsync("/docapi/download/stored-type", token);

        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment; filename=\"scan.png\"", response.Content.Headers.GetValues("Content-Disposition").Single());
    }

    [Fact]
    public async Task A_non_ascii_name_travels_in_filename_star()
    {
        var token = await world.TokenAsync();

        using var response = await world.GetAsync("/docapi/download/unicode-name", token);

        var disposition = response.Content.Headers.GetValues("Content-Disposition").Single();
        Assert.StartsWith("attachment; filename=\"R", disposition, StringComparison.Ordinal);
        Assert.EndsWith("; filename*=UTF-8''R%C3%A9sum%C3%A9%202026.pdf", disposition, StringComparison.Ordinal);
        Assert.True(disposition.All(c => c < 128));
    }

    [Fact]
    public async Task Get_document_details_shows_the_product_fields()
    {
        var token = await world.TokenAsync();

        using var response = await world.PostAsync("/docapi/get-document-details", """{"document_id":"doc-abc-123-def-456"}""", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """{"statusCode":200,"data":{"document_id":"doc-abc-123-def-456","document_name":"My document","document_description":"The seed\u0027s example","document_type":"PDF","document_priority":"high","collection_id":"my-domain","document_file_path":"my-document.pdf","document_tags":["seed","example"],"created_at":"2026-11-22T12:00:00.000Z","updated_at":"2026-11-22T12:00:00.000Z","collection_name":"my-domain","associated_plans":[]},"message":"OKAY"}""",
            await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Get_document_details_of_a_url_based_document_shows_its_url_and_no_file_path()
    {
        var token = await world.TokenAsync();

        using var response = await world.PostAsync("/docapi/get-document-details", """{"document_id":"url-doc"}""", token);

        var data = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("data");
        Assert.Equal("https://example.com/reports/q3.pdf", data.GetProperty("document_url").GetString());
        Assert.Equal("PDF", data.GetProperty("document_type").GetString());
        Assert.False(data.TryGetProperty("document_file_path", out _));
    }

    [Theory]
    [InlineData("""{"document_id":"other-doc"}""", 437, "Document not found")]
    [InlineData("""{"document_id":"deleted-doc"}""", 437, "Document not found")]
    [InlineData("""{"document_id":"../etc/passwd"}""", 437, "Document not found")]
    [InlineData("""{"document_id":""}""", 435, "Document ID is required")]
    [InlineData("""{}""", 435, "Document ID is required")]
    public async Task Get_document_details_errors(string body, int status, string message)
    {
        var token = await world.TokenAsync();

        using var response = await world.PostAsync("/docapi/get-document-details", body, token);

        await response.AssertErrorAsync(status, message);
    }

    [Fact]
    public async Task Get_documents_lists_the_collections_documents_the_user_may_see()
    {
        var token = await world.TokenAsync();

        using var response = await world.PostAsync("/docapi/get-documents", """{"collection_id":"my-domain"}""", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;
        Assert.Equal(200, root.GetProperty("statusCode").GetInt32());
        Assert.Equal("OKAY", root.GetProperty("message").GetString());
        var ids = root.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("document_id").GetString()).ToList();
        Assert.Contains(DocumentApiWorld.SeedDocument, ids);
        Assert.Contains("url-doc", ids);
        Assert.DoesNotContain("other-doc", ids);
        Assert.DoesNotContain("deleted-doc", ids);
        var seed = root.GetProperty("data").EnumerateArray().Single(d => d.GetProperty("document_id").GetString() == DocumentApiWorld.SeedDocument);
        Assert.Equal("my-document.pdf", seed.GetProperty("document_file_path").GetString());
        Assert.False(seed.TryGetProperty("associated_plans", out _));
    }

    [Fact]
    public async Task Get_documents_of_a_collection_the_user_is_not_in_is_empty()
    {
        var token = await world.TokenAsync();

        using var response = await world.PostAsync("/docapi/get-documents", """{"collection_id":"other-domain"}""", token);

        Assert.Equal("""{"statusCode":200,"data":[],"message":"OKAY"}""", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Get_documents_without_a_collection_is_435()
    {
        var token = await world.TokenAsync();

        using var response = await world.PostAsync("/docapi/get-documents", """{"collection_id":7}""", token);

        await response.AssertErrorAsync(435, "Collection ID is required");
    }
}
