using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Dialects.Dynacase;

/// <summary>
/// A small Dynacase world imported through the native API: documents with visible, invisible and multi-valued file
/// attributes, their owner, a reader of the group that may view, and a stranger.
/// </summary>
internal static class DynacaseWorld
{
    public const string OwnerKey = "dyn-owner-key-0123456789abcdef";
    public const string ReaderKey = "dyn-reader-key-0123456789abcdef";
    public const string StrangerKey = "dyn-stranger-key-0123456789abcdef";
    public const string ReaderPassword = "reader-password-1";
    public const string Unicode = "Présentation – 日本語 «été».txt";

    public static object Manifest => new
    {
        principals = new object[]
        {
            new { name = "owner", apiKeys = new[] { OwnerKey } },
            new { name = "reader", groups = new[] { "readers" }, apiKeys = new[] { ReaderKey }, password = ReaderPassword },
            new { name = "stranger", apiKeys = new[] { StrangerKey } },
        },
        documents = new object[]
        {
            new
            {
                id = "1234", title = "Folder sheet", owner = "owner",
                acl = new[] { new { group = "readers", permissions = new[] { "view" } } },
                attributes = new object[]
                {
                    new { id = "fi_file", type = "file", multiple = false, visibility = "W" },
                    new { id = "fi_secret", type = "file", multiple = false, visibility = "I" },
                    new { id = "fi_pages", type = "file", multiple = true, visibility = "R" },
                    new { id = "fi_title", type = "text", multiple = false, visibility = "W" },
                    // An attribute named like a file id: the attribute wins.
                    new { id = "2000", type = "file", multiple = false, visibility = "W" },
                },
                properties = new { fi_title = "A title" },
                files = new object[]
                {
                    new { id = "1256", slot = "fi_file", index = 0, fileName = "monimage.jpeg", mediaType = "image/jpeg", content = new { text = "jpeg bytes" } },
                    new { id = "1300", slot = "fi_secret", index = 0, fileName = "secret.txt", content = new { text = "never revealed" } },
                    new { id = "1401", slot = "fi_pages", index = 0, fileName = "page-0.txt", content = new { text = "page zero" } },
                    new { id = "1402", slot = "fi_pages", index = 1, fileName = Unicode, content = new { text = "page one, été" } },
                    new { id = "1403", slot = "fi_pages", index = 2, fileName = "page-2.txt", content = new { text = "page two" } },
                    new { id = "2000", slot = "2000", index = 0, fileName = "by-attribute.txt", content = new { text = "attribute 2000" } },
                    new { id = "1500", slot = "other", index = 0, fileName = "outside.txt", content = new { text = "no attribute" } },
                },
            },
            new
            {
                id = "gone-1", owner = "owner", deleted = true,
                attributes = new[] { new { id = "fi_file", type = "file", multiple = false, visibility = "W" } },
                files = new[] { new { id = "1600", slot = "fi_file", index = 0, fileName = "old.txt", content = new { text = "old" } } },
            },
        },
    };

    public static async Task ImportAsync(HttpClient admin)
    {
        using var response = await admin.PostAsJsonAsync("/v1/import", Manifest, NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A client speaking as the key's principal with the product's token header.</summary>
    public static HttpClient WithToken(this AttacheApp app, string key)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dynacase", key);
        return client;
    }

    public static async Task<(HttpStatusCode Status, string Body)> ReadAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, NativeApi.Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(NativeApi.Token));
    }

    public static string ErrorBody(string code, string text) =>
        JsonSerializer.Serialize(new
        {
            success = false,
            messages = new[]
            {
                new { type = "error", contentText = text, contentHtml = "", code, uri = code.Length == 0 ? "" : $"http://api.dynacase.org/code/{code}.html", data = (object?)null },
            },
            data = (object?)null,
        }, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) };
}
