using System.Net;
using System.Text;

namespace Attache.Server.Tests.Dialects.DocumentApi;

/// <summary>A file stored without an extension is named with the usual extension of its type, for each of the product's file types.</summary>
public sealed class DocumentApiExtensionTests(DocumentApiWorld world) : IClassFixture<DocumentApiWorld>
{
    private static CancellationToken Token => DocumentApiWorld.Token;

    [Theory]
    [InlineData("text/plain", "notes.txt")]
    [InlineData("image/jpeg", "notes.jpg")]
    [InlineData("application/pdf", "notes.pdf")]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "notes.docx")]
    [InlineData("image/png", "notes.png")]
    [InlineData("image/gif", "notes.gif")]
    public async Task A_name_without_extension_gets_the_usual_extension_of_its_type(string mediaType, string expected)
    {
        var id = "bare-" + mediaType.Replace('/', '-').Replace('.', '-');
        using (var admin = world.App.CreateAdminClient())
        {
            var manifest = $$"""
                { "documents": [ { "id": "{{id}}", "acl": [ { "group": "my-domain", "permissions": ["view"] } ],
                  "files": [ { "fileName": "notes", "mediaType": "{{mediaType}}", "content": { "text": "bytes" } } ] } ] }
                """;
            using var content = new StringContent(manifest, Encoding.UTF8, "application/json");
            using var imported = await admin.PostAsync("/v1/import", content, Token);
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        }

        var token = await world.TokenAsync();
        using var response = await world.GetAsync("/docapi/download/" + id, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"attachment; filename=\"{expected}\"", response.Content.Headers.GetValues("Content-Disposition").Single());
    }
}
