using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Dialects.Chat;

/// <summary>
/// A chat world: <c>author</c> and <c>member</c> in room 6, <c>stranger</c> in room 7; message 42 (by author, room 6) with
/// the attachment 77 <c>photo.png</c>, message 43 (by author, room 6) without attachments, and a generic document with
/// the numeric file 90, which is no message's attachment.
/// </summary>
internal static class ChatWorld
{
    public const string Boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    public const string Unauthorized = """{"errorText":"Wrong Bearer, please renew Web API Access Token","httpStatusCode":401}""";
    public const string AttachmentNotFound = """{"errorText":"Attachment not found","httpStatusCode":404}""";
    public const string MessageNotFound = """{"errorText":"Message not found","httpStatusCode":404}""";
    public const string Ok = """{"httpStatusCode":200}""";

    public static readonly byte[] PhotoBytes = "a photo of the site"u8.ToArray();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task ImportAsync(AttacheApp app)
    {
        using var admin = app.CreateAdminClient();
        var manifest = new
        {
            principals = new object[]
            {
                new { name = "author", groups = new[] { "room:6" }, password = Password("author") },
                new { name = "member", groups = new[] { "room:6" }, password = Password("member") },
                new { name = "stranger", groups = new[] { "room:7" }, password = Password("stranger") },
            },
            documents = new object[]
            {
                new
                {
                    id = "42", kind = "message", owner = "author", properties = new { roomId = "6" },
                    files = new[] { new { id = "77", fileName = "photo.png", content = new { base64 = Convert.ToBase64String(PhotoBytes) } } },
                },
                new { id = "43", kind = "message", owner = "author", properties = new { roomId = "6" } },
                new
                {
                    id = "notes", owner = "author", acl = new[] { new { group = "room:6", permissions = new[] { "view" } } },
                    files = new[] { new { id = "90", fileName = "notes.txt", content = new { text = "not an attachment" } } },
                },
            },
        };
        using var response = await admin.PostAsJsonAsync("/v1/import", manifest, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static string Password(string name) => $"{name}-chat-password";

    /// <summary>A client that sends the session cookie of <paramref name="name"/>, as a browser on the same site does.</summary>
    public static async Task<HttpClient> SignInAsync(this AttacheApp app, string name, string? password = null)
    {
        var client = app.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(2);
        using var response = await client.PostAsJsonAsync("/v1/sessions", new { name, password = password ?? Password(name) }, Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        client.DefaultRequestHeaders.Add("Cookie", response.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        return client;
    }

    /// <summary>One file of a browser's <c>FormData</c>, optionally with its own part headers.</summary>
    public sealed record Part(string FileName, string ContentType, byte[] Content, string Name = "files", string? ExtraHeaders = null);

    /// <summary>The bytes a browser's <c>fetch</c> sends for a <c>FormData</c> of files appended under <c>files</c>.</summary>
    public static byte[] FormData(params Part[] parts)
    {
        using var body = new MemoryStream();
        foreach (var part in parts)
        {
            var head = $"--{Boundary}\r\nContent-Disposition: form-data; name=\"{part.Name}\"; filename=\"{part.FileName}\"\r\n"
                + part.ExtraHeaders + $"Content-Type: {part.ContentType}\r\n\r\n";
            body.Write(Encoding.UTF8.GetBytes(head));
            body.Write(part.Content);
            body.Write("\r\n"u8);
        }

        body.Write(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        return body.ToArray();
    }

    /// <summary>A text field of the form, as <c>formData.append(name, value)</c> writes it.</summary>
    public static byte[] Field(string name, string value) =>
        Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");

    public static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={Boundary}");
        return content;
    }

    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, long messageId, byte[] body) =>
        await client.PostAsync($"/chat/api/v1/messages/{messageId}/attachments", Body(body), Token);

    public static async Task<JsonElement[]> ListAsync(this HttpClient client, long messageId)
    {
        using var response = await client.GetAsync($"/chat/api/v1/messages/{messageId}/attachments", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).EnumerateArray().ToArray();
    }

    public static async Task<JsonElement> MetadataAsync(this HttpClient client, long attachmentId)
    {
        using var response = await client.GetAsync($"/chat/api/v1/attachments/{attachmentId}", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    public static async Task AssertErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string body)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body, await response.Content.ReadAsStringAsync(Token));
    }

    /// <summary>The error envelope with its status, whatever the text; returns the text.</summary>
    public static async Task<string> ErrorTextAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        var error = await response.JsonAsync();
        Assert.Equal(["errorText", "httpStatusCode"], error.EnumerateObject().Select(p => p.Name));
        Assert.Equal((int)status, error.GetProperty("httpStatusCode").GetInt32());
        return error.Str("errorText");
    }

    public static string Md5Hex(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    /// <summary>Polls until <paramref name="done"/> holds, for at most <paramref name="seconds"/> seconds of real time.</summary>
    public static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, int seconds = 30)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(seconds);
        var value = await read();
        while (!done(value) && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(50, Token);
            value = await read();
        }

        return value;
    }
}
