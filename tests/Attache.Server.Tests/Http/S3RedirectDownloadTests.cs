using System.Net;
using System.Net.Http.Headers;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Audit;
using Attache.Storage.Tests.Blobs;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Attache.Server.Tests.Http;

/// <summary>
/// Downloads answered with a redirect to a presigned URL of the S3 service, followed with a real client: the service
/// must answer with the headers the server would have sent. Skipped without an S3 service.
/// </summary>
public sealed class S3RedirectDownloadTests : IAsyncLifetime
{
    private const string FileName = "résumé 1;2.txt";

    private static readonly byte[] Content = NativeApi.Bytes(100_000, seed: 41);

    private S3Blobs? _blobs;
    private AttacheApp? _app;
    private HttpClient? _admin;
    private string _fileId = "";

    private HttpClient Admin
    {
        get
        {
            Assert.SkipUnless(S3TestService.IsConfigured, S3TestService.SkipReason);
            return _admin!;
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (!S3TestService.IsConfigured)
        {
            return;
        }

        _blobs = new S3Blobs();
        _app = new AttacheApp(_blobs.Settings(presignedRedirect: true));
        _admin = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AttacheApp.AdminKey);
        await _admin.CreateDocumentAsync(new { id = "doc" });
        using var response = await _admin.PutFileAsync("doc", Content, FileName,
            configure: request => request.Content!.Headers.ContentType = new MediaTypeHeaderValue("text/plain"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        _fileId = (await response.JsonAsync()).Str("id");
    }

    public async ValueTask DisposeAsync()
    {
        _admin?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_blobs is not null)
        {
            await _blobs.DisposeAsync();
        }
    }

    private string ContentPath => $"/v1/files/{_fileId}/content";

    [Fact]
    public async Task A_plain_download_redirects_to_a_url_that_answers_with_the_servers_own_headers()
    {
        using var head = await Admin.SendAsync(new HttpRequestMessage(HttpMethod.Head, ContentPath), NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);

        using var redirect = await Admin.GetAsync(ContentPath, NativeApi.Token);

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal("no-store", redirect.Headers.CacheControl?.ToString());
        var location = redirect.Headers.Location!;
        Assert.StartsWith(S3TestService.Endpoint!, location.AbsoluteUri, StringComparison.Ordinal);
        using var http = new HttpClient();
        using var fetched = await http.GetAsync(location, NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(Raw(head, "Content-Type"), Raw(fetched, "Content-Type"));
        Assert.Equal(Raw(head, "Content-Disposition"), Raw(fetched, "Content-Disposition"));
        Assert.Equal(Raw(head, "Cache-Control"), Raw(fetched, "Cache-Control"));
        Assert.Contains("filename*=UTF-8''r%C3%A9sum%C3%A9%201%3B2.txt", Raw(fetched, "Content-Disposition"), StringComparison.Ordinal);
        Assert.Equal(Content, await fetched.Content.ReadAsByteArrayAsync(NativeApi.Token));
    }

    [Fact]
    public async Task A_single_range_redirects_and_the_range_is_served_by_the_store()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ContentPath);
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var redirect = await Admin.SendAsync(request, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);

        using var http = new HttpClient();
        using var follow = new HttpRequestMessage(HttpMethod.Get, redirect.Headers.Location);
        follow.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var fetched = await http.SendAsync(follow, NativeApi.Token);

        Assert.Equal(HttpStatusCode.PartialContent, fetched.StatusCode);
        Assert.Equal(Content[1000..2000], await fetched.Content.ReadAsByteArrayAsync(NativeApi.Token));
        Assert.Equal("bytes 1000-1999/100000", Raw(fetched, "Content-Range"));
    }

    [Theory]
    [InlineData("Range", "bytes=0-9,20-29", HttpStatusCode.PartialContent)]
    [InlineData("Range", "bytes=0-9,5-19", HttpStatusCode.PartialContent)]
    [InlineData("Range", "bytes=200000-", HttpStatusCode.RequestedRangeNotSatisfiable)]
    [InlineData("Range", "pages=1", HttpStatusCode.OK)]
    [InlineData("If-None-Match", "\"other\"", HttpStatusCode.OK)]
    [InlineData("If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT", HttpStatusCode.OK)]
    [InlineData("If-Range", "\"other\"", HttpStatusCode.OK)]
    public async Task Requests_the_store_would_answer_differently_are_served_by_the_server(string header, string value, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ContentPath);
        request.Headers.TryAddWithoutValidation(header, value);
        if (header == "If-Range")
        {
            request.Headers.Range = new RangeHeaderValue(0, 9);
        }

        using var response = await Admin.SendAsync(request, NativeApi.Token);

        Assert.Equal(status, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_matching_if_match_is_served_by_the_server_and_a_matching_if_none_match_is_not_modified()
    {
        using var head = await Admin.SendAsync(new HttpRequestMessage(HttpMethod.Head, ContentPath), NativeApi.Token);
        var etag = head.Headers.ETag!.Tag;

        using var ifMatch = new HttpRequestMessage(HttpMethod.Get, ContentPath);
        ifMatch.Headers.TryAddWithoutValidation("If-Match", etag);
        using var matched = await Admin.SendAsync(ifMatch, NativeApi.Token);
        using var ifNoneMatch = new HttpRequestMessage(HttpMethod.Get, ContentPath);
        ifNoneMatch.Headers.TryAddWithoutValidation("If-None-Match", etag);
        using var notModified = await Admin.SendAsync(ifNoneMatch, NativeApi.Token);

        Assert.Equal(HttpStatusCode.OK, matched.StatusCode);
        Assert.Equal(Content, await matched.Content.ReadAsByteArrayAsync(NativeApi.Token));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task Active_content_is_served_by_the_server_in_its_sandbox()
    {
        using var upload = await Admin.PutFileAsync("doc", "<p>hi</p>"u8.ToArray(), "page.html", slot: "page",
            configure: request => request.Content!.Headers.ContentType = new MediaTypeHeaderValue("text/html"));
        var id = (await upload.JsonAsync()).Str("id");

        using var response = await Admin.GetAsync($"/v1/files/{id}/content", NativeApi.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sandbox; default-src 'none'", Raw(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task Authorization_comes_first_and_the_redirect_is_audited()
    {
        Assert.SkipUnless(S3TestService.IsConfigured, S3TestService.SkipReason);
        using var anonymous = _app!.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var refused = await anonymous.GetAsync(ContentPath, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var missing = await Admin.GetAsync("/v1/files/999999/content", NativeApi.Token);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, ContentPath);
        request.Headers.Range = new RangeHeaderValue(5, 9);
        using var redirect = await Admin.SendAsync(request, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);

        var download = Assert.Single(await Admin.AuditEventsAsync("?action=download"));
        Assert.Equal(302, download.GetProperty("status").GetInt32());
        Assert.Equal("5-9", download.Str("range"));
        Assert.Equal(0, download.GetProperty("bytes").GetInt64());
        Assert.Contains("redirected to the blob store", download.Str("detail"), StringComparison.Ordinal);
    }

    private static string Raw(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? values.ToString()
            : "";
}
