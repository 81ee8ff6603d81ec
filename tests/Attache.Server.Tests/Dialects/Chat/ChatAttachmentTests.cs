using System.Net;
using System.Text;
using System.Text.Json;
using Attache.Server.Tests.Api;
using static Attache.Server.Tests.Dialects.Chat.ChatWorld;

namespace Attache.Server.Tests.Dialects.Chat;

public sealed class ChatAttachmentTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new();
    private HttpClient _author = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await ImportAsync(_app);
        _author = await _app.SignInAsync("author");
    }

    public async ValueTask DisposeAsync()
    {
        _author.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", "/chat/api/v1/attachments/77")]
    [InlineData("GET", "/chat/api/v1/attachments/77/photo.png")]
    [InlineData("GET", "/chat/api/v1/attachments/77/thumbnail")]
    [InlineData("DELETE", "/chat/api/v1/attachments/77")]
    [InlineData("GET", "/chat/api/v1/messages/42/attachments")]
    [InlineData("POST", "/chat/api/v1/messages/42/attachments")]
    [InlineData("GET", "/chat/api/v1/attachments/99999")]
    public async Task Without_a_session_every_call_is_401_in_the_seeds_words(string method, string path)
    {
        using var anonymous = _app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await anonymous.SendAsync(request, Token);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, Unauthorized);
    }

    [Fact]
    public async Task An_expired_session_or_an_api_key_is_401()
    {
        _app.Clock.Advance(TimeSpan.FromHours(9));
        using var expired = await _author.GetAsync("/chat/api/v1/attachments/77", Token);
        await expired.AssertErrorAsync(HttpStatusCode.Unauthorized, Unauthorized);

        using var withKey = _app.CreateAdminClient();
        using var keyed = await withKey.GetAsync("/chat/api/v1/attachments/77", Token);
        await keyed.AssertErrorAsync(HttpStatusCode.Unauthorized, Unauthorized);
    }

    [Fact]
    public async Task Metadata_has_exactly_the_seeds_fields_and_types()
    {
        using var response = await _author.GetAsync("/chat/api/v1/attachments/77", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var millis = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(
            $$"""{"attachmentId":77,"attachmentState":"ReadyForDownloadFromServerToClient","createdUtc":{{millis}},"fileChecksum":"{{Md5Hex(PhotoBytes)}}","fileName":"photo.png","fileSize":{{PhotoBytes.Length}},"hasThumbnail":false,"lastModifiedUtc":{{millis}},"roomId":6,"textMessageId":42}""",
            await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Download_streams_the_bytes_with_length_type_and_disposition()
    {
        using var response = await _author.GetAsync("/chat/api/v1/attachments/77/photo.png", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PhotoBytes, await response.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(PhotoBytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment; filename=\"photo.png\"", response.Content.Headers.ContentDisposition?.ToString());
    }

    [Fact]
    public async Task A_non_ascii_name_is_downloaded_by_its_name_with_an_rfc_5987_filename()
    {
        var bytes = "Grüße"u8.ToArray();
        using var upload = await _author.PostFormAsync(43, FormData(new Part("Prüfbericht 2026.txt", "text/plain", bytes)));
        Assert.Equal(Ok, await upload.Content.ReadAsStringAsync(Token));
        var id = (await _author.ListAsync(43)).Single().GetProperty("attachmentId").GetInt64();

        using var response = await _author.GetAsync($"/chat/api/v1/attachments/{id}/{Uri.EscapeDataString("Prüfbericht 2026.txt")}", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync(Token));
        var disposition = response.Content.Headers.GetValues("Content-Disposition").Single();
        Assert.Contains("filename*=UTF-8''Pr%C3%BCfbericht%202026.txt", disposition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_sent_decomposed_as_macos_browsers_do_downloads_by_that_original_name()
    {
        var decomposed = "Cafe\u0301 menu\u0308.txt";
        using var upload = await _author.PostFormAsync(43, FormData(new Part(decomposed, "text/plain", [1, 2, 3])));
        Assert.Equal(Ok, await upload.Content.ReadAsStringAsync(Token));
        var id = (await _author.ListAsync(43)).Single().GetProperty("attachmentId").GetInt64();

        using var response = await _author.GetAsync($"/chat/api/v1/attachments/{id}/{Uri.EscapeDataString(decomposed)}", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([1, 2, 3], await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Theory]
    [InlineData("Photo.png")]
    [InlineData("photo.png.exe")]
    [InlineData("other.png")]
    public async Task A_file_name_that_does_not_match_is_404(string name)
    {
        using var response = await _author.GetAsync($"/chat/api/v1/attachments/77/{name}", Token);

        await response.AssertErrorAsync(HttpStatusCode.NotFound, AttachmentNotFound);
    }

    [Theory]
    [InlineData("/chat/api/v1/attachments/078")]
    [InlineData("/chat/api/v1/attachments/-77")]
    [InlineData("/chat/api/v1/attachments/abc")]
    [InlineData("/chat/api/v1/attachments/99999999999999999999999")]
    [InlineData("/chat/api/v1/attachments/90")]
    [InlineData("/chat/api/v1/attachments/90/notes.txt")]
    [InlineData("/chat/api/v1/attachments/12345")]
    public async Task Ids_that_are_no_attachment_are_404(string path)
    {
        using var response = await _author.GetAsync(path, Token);

        await response.AssertErrorAsync(HttpStatusCode.NotFound, AttachmentNotFound);
    }

    [Theory]
    [InlineData("/chat/api/v1/messages/notes/attachments")]
    [InlineData("/chat/api/v1/messages/044/attachments")]
    [InlineData("/chat/api/v1/messages/44/attachments")]
    public async Task Messages_that_do_not_exist_are_404(string path)
    {
        using var list = await _author.GetAsync(path, Token);
        await list.AssertErrorAsync(HttpStatusCode.NotFound, MessageNotFound);

        using var upload = await _author.PostAsync(path, Body(FormData(new Part("a.txt", "text/plain", [1]))), Token);
        await upload.AssertErrorAsync(HttpStatusCode.NotFound, MessageNotFound);
    }

    [Fact]
    public async Task The_seeds_fetch_and_FormData_upload_stores_each_file_ready_with_its_md5()
    {
        var report = Encoding.UTF8.GetBytes("%PDF-1.4 not really");
        var notes = "meeting notes"u8.ToArray();

        using var response = await _author.PostFormAsync(43, FormData(
            new Part("Document.pdf", "application/pdf", report),
            new Part("notes.txt", "text/plain", notes)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Ok, await response.Content.ReadAsStringAsync(Token));
        var listed = await _author.ListAsync(43);
        Assert.Equal(["Document.pdf", "notes.txt"], listed.Select(a => a.Str("fileName")));
        Assert.All(listed, a => Assert.Equal("ReadyForDownloadFromServerToClient", a.Str("attachmentState")));
        Assert.Equal([Md5Hex(report), Md5Hex(notes)], listed.Select(a => a.Str("fileChecksum")));
        Assert.All(listed, a => Assert.Equal((6, 43), (a.GetProperty("roomId").GetInt64(), a.GetProperty("textMessageId").GetInt64())));
        Assert.True(listed[1].GetProperty("attachmentId").GetInt64() > listed[0].GetProperty("attachmentId").GetInt64());
        Assert.True(listed[0].GetProperty("attachmentId").GetInt64() > 90, "new ids never reuse imported ones");

        using var download = await _author.GetAsync($"/chat/api/v1/attachments/{listed[1].GetProperty("attachmentId")}/notes.txt", Token);
        Assert.Equal(notes, await download.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task Twenty_files_in_one_post_become_twenty_ready_attachments()
    {
        var parts = Enumerable.Range(1, 20).Select(i => new Part($"file-{i:00}.bin", "application/octet-stream", NativeApi.Bytes(1000 + i, seed: i))).ToArray();

        using var response = await _author.PostFormAsync(43, FormData(parts));

        Assert.Equal(Ok, await response.Content.ReadAsStringAsync(Token));
        var listed = await _author.ListAsync(43);
        Assert.Equal(parts.Select(p => p.FileName), listed.Select(a => a.Str("fileName")));
        Assert.Equal(parts.Select(p => Md5Hex(p.Content)), listed.Select(a => a.Str("fileChecksum")));
        Assert.Equal(parts.Select(p => (long)p.Content.Length), listed.Select(a => a.GetProperty("fileSize").GetInt64()));
        Assert.Equal(20, listed.Select(a => a.GetProperty("attachmentId").GetInt64()).Distinct().Count());
    }

    [Fact]
    public async Task A_checksum_given_as_content_md5_or_as_a_form_field_is_verified()
    {
        var bytes = "checked"u8.ToArray();
        var base64 = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(bytes));
        var body = FormData(new Part("header.txt", "text/plain", bytes, ExtraHeaders: $"Content-MD5: {base64}\r\n"))[..^(Boundary.Length + 6)]
            .Concat(Field(ChatEndpointsNames.ChecksumField, Md5Hex(bytes)))
            .Concat(FormData(new Part("field.txt", "text/plain", bytes)))
            .ToArray();

        using var response = await _author.PostFormAsync(43, body);

        Assert.Equal(Ok, await response.Content.ReadAsStringAsync(Token));
        var listed = await _author.ListAsync(43);
        Assert.Equal(["header.txt", "field.txt"], listed.Select(a => a.Str("fileName")));
        Assert.All(listed, a => Assert.Equal("ReadyForDownloadFromServerToClient", a.Str("attachmentState")));
    }

    [Fact]
    public async Task A_checksum_mismatch_is_422_and_leaves_the_attachment_in_the_mismatch_state_with_nothing_to_download()
    {
        var body = Field(ChatEndpointsNames.ChecksumField, new string('0', 32)).Concat(FormData(new Part("bad.txt", "text/plain", "bytes"u8.ToArray()))).ToArray();

        using var response = await _author.PostFormAsync(43, body);

        var text = await response.ErrorTextAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("ChecksumVerificationOnServerSideMismatch", text, StringComparison.Ordinal);
        var attachment = Assert.Single(await _author.ListAsync(43));
        Assert.Equal("ChecksumVerificationOnServerSideMismatch", attachment.Str("attachmentState"));
        Assert.Equal(JsonValueKind.Null, attachment.GetProperty("fileChecksum").ValueKind);
        using var download = await _author.GetAsync($"/chat/api/v1/attachments/{attachment.GetProperty("attachmentId")}/bad.txt", Token);
        await download.AssertErrorAsync(HttpStatusCode.Conflict,
            """{"errorText":"Attachment is not ready for download: its state is ChecksumVerificationOnServerSideMismatch","httpStatusCode":409}""");
    }

    [Fact]
    public async Task A_content_md5_header_mismatch_is_422_too()
    {
        var wrong = Convert.ToBase64String(new byte[16]);
        using var response = await _author.PostFormAsync(43, FormData(new Part("bad.txt", "text/plain", "bytes"u8.ToArray(), ExtraHeaders: $"Content-MD5: {wrong}\r\n")));

        await response.ErrorTextAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("ChecksumVerificationOnServerSideMismatch", Assert.Single(await _author.ListAsync(43)).Str("attachmentState"));
    }

    [Theory]
    [InlineData("not-hex-at-all")]
    [InlineData("0123456789abcdef0123456789abcdef00")]
    public async Task A_malformed_checksum_field_is_400(string value)
    {
        var body = Field(ChatEndpointsNames.ChecksumField, value).Concat(FormData(new Part("a.txt", "text/plain", [1]))).ToArray();

        using var response = await _author.PostFormAsync(43, body);

        await response.ErrorTextAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await _author.ListAsync(43));
    }

    [Fact]
    public async Task Bodies_that_are_not_a_form_of_files_are_refused_in_the_envelope()
    {
        using var json = await _author.PostAsync("/chat/api/v1/messages/43/attachments", new StringContent("{}", Encoding.UTF8, "application/json"), Token);
        await json.ErrorTextAsync(HttpStatusCode.UnsupportedMediaType);

        using var empty = await _author.PostFormAsync(43, Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        await empty.ErrorTextAsync(HttpStatusCode.BadRequest);

        using var otherName = await _author.PostFormAsync(43, FormData(new Part("a.txt", "text/plain", [1], Name: "file")));
        await otherName.ErrorTextAsync(HttpStatusCode.BadRequest);

        var cut = FormData(new Part("a.txt", "text/plain", NativeApi.Bytes(5000)))[..3000];
        using var truncated = await _author.PostFormAsync(43, cut);
        await truncated.ErrorTextAsync(HttpStatusCode.BadRequest);
        var left = Assert.Single(await _author.ListAsync(43));
        Assert.Equal("UploadFromClientToServerFailed", left.Str("attachmentState"));
    }

    [Fact]
    public async Task Delete_answers_200_and_then_every_call_on_the_attachment_is_404()
    {
        using var deleted = await _author.DeleteAsync("/chat/api/v1/attachments/77", Token);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(Ok, await deleted.Content.ReadAsStringAsync(Token));

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/chat/api/v1/attachments/77"),
            (HttpMethod.Get, "/chat/api/v1/attachments/77/photo.png"),
            (HttpMethod.Head, "/chat/api/v1/attachments/77/photo.png"),
            (HttpMethod.Get, "/chat/api/v1/attachments/77/thumbnail"),
            (HttpMethod.Delete, "/chat/api/v1/attachments/77"),
        })
        {
            using var request = new HttpRequestMessage(method, path);
            using var response = await _author.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            if (method != HttpMethod.Head)
            {
                Assert.Equal(AttachmentNotFound, await response.Content.ReadAsStringAsync(Token));
            }
        }

        Assert.Empty(await _author.ListAsync(42));
        using var admin = _app.CreateAdminClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/chat/api/v1/attachments/77", Token)).StatusCode);
    }

    [Fact]
    public async Task A_room_member_reads_and_uploads_but_only_the_author_deletes()
    {
        using var member = await _app.SignInAsync("member");

        Assert.Equal(77, (await member.MetadataAsync(77)).GetProperty("attachmentId").GetInt64());
        using var upload = await member.PostFormAsync(42, FormData(new Part("mine.txt", "text/plain", [1, 2, 3])));
        Assert.Equal(Ok, await upload.Content.ReadAsStringAsync(Token));
        using var delete = await member.DeleteAsync("/chat/api/v1/attachments/77", Token);

        await delete.ErrorTextAsync(HttpStatusCode.Forbidden);
        Assert.Equal(2, (await member.ListAsync(42)).Length);
    }

    [Fact]
    public async Task A_room_member_attaches_but_cannot_overwrite_or_change_the_authors_message_through_the_native_api()
    {
        using var member = await _app.SignInAsync("member");

        using var overwrite = new ByteArrayContent("not the author's photo"u8.ToArray());
        overwrite.Headers.ContentType = new("image/png");
        using var version = await member.PutAsync("/v1/files/77/content", overwrite, Token);
        Assert.Equal(HttpStatusCode.Forbidden, version.StatusCode);
        using var replace = new ByteArrayContent("not the author's photo"u8.ToArray());
        replace.Headers.ContentType = new("image/png");
        using var slot = await member.PutAsync("/v1/documents/42/files/file/0", replace, Token);
        Assert.Equal(HttpStatusCode.Forbidden, slot.StatusCode);
        using var patch = new StringContent("""{"properties":{"roomId":"7"}}""", Encoding.UTF8, "application/json");
        using var moved = await member.PatchAsync("/v1/documents/42", patch, Token);
        Assert.Equal(HttpStatusCode.Forbidden, moved.StatusCode);

        using var download = await _author.GetAsync("/chat/api/v1/attachments/77/photo.png", Token);
        Assert.Equal(PhotoBytes, await download.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(6, (await _author.MetadataAsync(77)).GetProperty("roomId").GetInt64());
        using var upload = await member.PostFormAsync(42, FormData(new Part("mine.txt", "text/plain", [1, 2, 3])));
        Assert.Equal(Ok, await upload.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task A_stranger_to_the_room_gets_404_everywhere_and_changes_nothing()
    {
        using var stranger = await _app.SignInAsync("stranger");

        foreach (var path in new[] { "/chat/api/v1/attachments/77", "/chat/api/v1/attachments/77/photo.png", "/chat/api/v1/attachments/77/thumbnail" })
        {
            using var response = await stranger.GetAsync(path, Token);
            await response.AssertErrorAsync(HttpStatusCode.NotFound, AttachmentNotFound);
        }

        using var deleted = await stranger.DeleteAsync("/chat/api/v1/attachments/77", Token);
        await deleted.AssertErrorAsync(HttpStatusCode.NotFound, AttachmentNotFound);
        using var listed = await stranger.GetAsync("/chat/api/v1/messages/42/attachments", Token);
        await listed.AssertErrorAsync(HttpStatusCode.NotFound, MessageNotFound);
        using var upload = await stranger.PostFormAsync(42, FormData(new Part("spam.txt", "text/plain", [1])));
        await upload.AssertErrorAsync(HttpStatusCode.NotFound, MessageNotFound);

        Assert.Single(await _author.ListAsync(42));
    }

    [Fact]
    public async Task A_write_sent_from_another_site_with_the_cookie_is_403()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/chat/api/v1/attachments/77");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await _author.SendAsync(request, Token);

        await response.ErrorTextAsync(HttpStatusCode.Forbidden);
        Assert.Single(await _author.ListAsync(42));
    }

    [Theory]
    [InlineData("PUT", "/chat/api/v1/attachments/77")]
    [InlineData("POST", "/chat/api/v1/attachments/77")]
    [InlineData("GET", "/chat/api/v1/nothing-here")]
    [InlineData("GET", "/chat/api/v1/attachments/%2E%2E")]
    [InlineData("GET", "/chat/api/v1/attachments/77/photo.png/more")]
    public async Task Wrong_methods_and_unknown_paths_answer_in_the_envelope(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await _author.SendAsync(request, Token);

        Assert.True(response.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, response.StatusCode.ToString());
        await response.ErrorTextAsync(response.StatusCode);
    }

    [Fact]
    public async Task Head_and_range_work_on_downloads()
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, "/chat/api/v1/attachments/77/photo.png");
        using var headResponse = await _author.SendAsync(head, Token);
        Assert.Equal(HttpStatusCode.OK, headResponse.StatusCode);
        Assert.Equal(PhotoBytes.Length, headResponse.Content.Headers.ContentLength);

        using var range = new HttpRequestMessage(HttpMethod.Get, "/chat/api/v1/attachments/77/photo.png");
        range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 4);
        using var partial = await _author.SendAsync(range, Token);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(PhotoBytes[..5], await partial.Content.ReadAsByteArrayAsync(Token));
    }
}

/// <summary>The form field the server reads checksums from, spelled as the README documents it.</summary>
internal static class ChatEndpointsNames
{
    public const string ChecksumField = "fileChecksum";
}
