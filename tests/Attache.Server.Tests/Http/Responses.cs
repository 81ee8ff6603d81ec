using System.Net.Http.Headers;
using Microsoft.AspNetCore.WebUtilities;

namespace Attache.Server.Tests.Http;

internal static class Responses
{
    /// <summary>The raw value as it came off the wire, whether HttpClient files it under content or response headers.</summary>
    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    public static int HeaderCount(this HttpResponseMessage response, string name) =>
        (response.Headers.NonValidated.TryGetValues(name, out var values) ? values.Count : 0)
        + (response.Content.Headers.NonValidated.TryGetValues(name, out values) ? values.Count : 0);

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value), name);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static Task<HttpResponseMessage> GetAsync(this HttpClient client, string path, params (string Name, string Value)[] headers) =>
        client.SendAsync(HttpMethod.Get, path, headers);

    public static async Task<string> BodyAsync(this HttpResponseMessage response) =>
        await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

    /// <summary>Each part of a multipart/byteranges body: its Content-Type, Content-Range and bytes.</summary>
    public static async Task<List<(string? ContentType, string? ContentRange, byte[] Body)>> PartsAsync(byte[] body, MediaTypeHeaderValue contentType)
    {
        Assert.Equal("multipart/byteranges", contentType.MediaType);
        var boundary = contentType.Parameters.Single(p => p.Name == "boundary").Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(body));
        var parts = new List<(string?, string?, byte[])>();
        while (await reader.ReadNextSectionAsync(TestContext.Current.CancellationToken) is { } section)
        {
            using var bytes = new MemoryStream();
            await section.Body.CopyToAsync(bytes, TestContext.Current.CancellationToken);
            parts.Add((section.ContentType, section.Headers!["Content-Range"].ToString(), bytes.ToArray()));
        }

        return parts;
    }

    /// <summary>Parameters of a Content-Disposition value, honouring quoted strings, as a strict recipient reads them.</summary>
    public static (string Type, List<(string Name, string Value)> Parameters) ParseDisposition(string header)
    {
        var parameters = new List<(string, string)>();
        var i = header.IndexOf(';', StringComparison.Ordinal);
        var type = (i < 0 ? header : header[..i]).Trim();
        while (i >= 0 && i < header.Length)
        {
            i++;
            var eq = header.IndexOf('=', i);
            Assert.True(eq > 0, $"parameter without '=' in {header}");
            var name = header[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < header.Length && header[i] == '"')
            {
                var text = new System.Text.StringBuilder();
                for (i++; header[i] != '"'; i++)
                {
                    text.Append(header[i] == '\\' ? header[++i] : header[i]);
                }

                value = text.ToString();
                i++;
            }
            else
            {
                var end = header.IndexOf(';', i);
                value = (end < 0 ? header[i..] : header[i..end]).Trim();
                i = end < 0 ? header.Length : end;
            }

            parameters.Add((name, value));
            while (i < header.Length && header[i] == ' ')
            {
                i++;
            }

            if (i < header.Length)
            {
                Assert.Equal(';', header[i]);
            }
        }

        return (type, parameters);
    }
}
