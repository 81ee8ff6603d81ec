using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace Attache.Client;

/// <summary>
/// A typed client for Attache's native <c>/v1</c> API. Bodies are streamed both ways; an upload declares the SHA-256
/// the caller passes (the <c>attache</c> CLI always computes one) so the server rejects bytes damaged on the way, and
/// downloads are checked against the ETag.
/// </summary>
public sealed class AttacheClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    /// <summary>Uses <paramref name="http"/> as it is: its base address and default headers must already be set.</summary>
    public AttacheClient(HttpClient http) => _http = http ?? throw new ArgumentNullException(nameof(http));

    /// <summary>A client for the server at <paramref name="server"/> that authenticates with <paramref name="apiKey"/>.</summary>
    public static AttacheClient Create(Uri server, string? apiKey, HttpMessageHandler? handler = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.BaseAddress = server;
        http.Timeout = Timeout.InfiniteTimeSpan;
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return new AttacheClient(http);
    }

    public async Task<AttacheDocument> CreateDocumentAsync(NewAttacheDocument document, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("v1/documents", document, Json, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<AttacheDocument>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The document, or null when the server does not know it (or the caller may not see it).</summary>
    public async Task<AttacheDocument?> FindDocumentAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync($"v1/documents/{Uri.EscapeDataString(id)}", cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound
            ? null
            : await ReadAsync<AttacheDocument>(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AttacheFile> GetFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync($"v1/files/{Uri.EscapeDataString(fileId)}", cancellationToken).ConfigureAwait(false);
        return await ReadAsync<AttacheFile>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams <paramref name="content"/> into a slot of a document. When <paramref name="sha256"/> (lower-case hex)
    /// is given the server verifies it and refuses mismatching bytes.
    /// </summary>
    public async Task<AttacheFile> UploadAsync(
        string documentId,
        Stream content,
        string fileName,
        string slot = "file",
        int? index = null,
        string? mediaType = null,
        string? sha256 = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = $"v1/documents/{Uri.EscapeDataString(documentId)}/files/{Uri.EscapeDataString(slot)}"
            + (index is null ? "" : $"/{index}") + $"?fileName={Uri.EscapeDataString(fileName)}";
        using var body = new StreamContent(content, 128 * 1024);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType ?? "application/octet-stream");
        if (content.CanSeek)
        {
            body.Headers.ContentLength = content.Length - content.Position;
        }

        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = body };
        if (sha256 is not null)
        {
            request.Headers.Add("x-attache-sha256", sha256);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<AttacheFile>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams the current version of a file into <paramref name="destination"/> and checks its SHA-256 against the
    /// server's ETag; a mismatch throws <see cref="AttacheException"/>.
    /// </summary>
    public async Task<DownloadedFile> DownloadAsync(string fileId, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var response = await _http.GetAsync(
            $"v1/files/{Uri.EscapeDataString(fileId)}/content", HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        var buffer = new byte[128 * 1024];
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                length += read;
            }
        }

        var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        var etag = response.Headers.ETag?.Tag.Trim('"');
        if (etag is not null && !string.Equals(etag, sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new AttacheException($"The downloaded bytes hash to {sha256} but the server announced {etag}.");
        }

        var disposition = response.Content.Headers.ContentDisposition;
        var fileName = disposition?.FileNameStar ?? disposition?.FileName?.Trim('"');
        return new DownloadedFile(fileName, response.Content.Headers.ContentType?.ToString(), length, sha256);
    }

    /// <summary>
    /// Imports the manifest at <paramref name="manifest"/> (DESIGN §4) as an administrator. Each <c>path</c> content is
    /// resolved against the manifest's folder and streamed from disk as its own part; a path that is absolute, leads out
    /// of that folder (also through a symbolic link), or does not exist is refused before anything is sent
    /// (<see cref="AttacheException"/> names each).
    /// A manifest the server refuses throws <see cref="AttacheException"/> with every error in
    /// <see cref="AttacheException.Errors"/>.
    /// </summary>
    public async Task<AttacheImportReport> ImportAsync(FileInfo manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var json = await File.ReadAllBytesAsync(manifest.FullName, cancellationToken).ConfigureAwait(false);
        var folder = manifest.DirectoryName ?? Directory.GetCurrentDirectory();
        var (resolved, refused) = ManifestPaths.Resolve(folder, ManifestPaths.Find(json));
        if (refused.Count > 0)
        {
            throw new AttacheException(
                $"The manifest {manifest.FullName} refers to files that will not be sent:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", refused));
        }

        using var form = new MultipartFormDataContent();
        var manifestPart = new ByteArrayContent(json);
        manifestPart.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(manifestPart, "manifest");
        foreach (var (path, full) in resolved)
        {
            var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var part = new StreamContent(stream, 128 * 1024);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = Quote(path) };
            part.Headers.ContentLength = stream.Length;
            form.Add(part);
        }

        using var response = await _http.PostAsync("v1/import", form, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<AttacheImportReport>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A multipart form name as an RFC 7230 quoted string, so that the server reads back the path exactly.</summary>
    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new AttacheException($"The server answered {(int)response.StatusCode} with an empty body.");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ProblemBody? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
        }

        throw new AttacheException(response.StatusCode, problem?.Title ?? response.ReasonPhrase, problem?.Detail, problem?.Errors);
    }
}
