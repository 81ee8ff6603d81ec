using System.Net;
using System.Net.Http.Headers;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Audit;
using static Attache.Server.Tests.Dialects.SpeechExec.SpeechExecWorld;

namespace Attache.Server.Tests.Dialects.SpeechExec;

/// <summary><c>GET /dms/dictations/{AuthorName}/{DictationID}/attachment</c> beyond the seed's own examples.</summary>
public sealed class AttachmentTests(SpeechExecWorld world) : IClassFixture<SpeechExecWorld>
{
    private static string PathOf(string author, string id) => $"/dms/dictations/{author}/{id}/attachment";

    [Fact]
    public async Task A_missing_or_wrong_key_is_401_before_anything_is_looked_at()
    {
        using var missing = await world.GetAsync(PathOf("sarah", "not_valid_ID"), key: null);
        await missing.AssertErrorAsync(HttpStatusCode.Unauthorized, "Invalid_api_key");
        using var empty = await world.GetAsync(PathOf("sarah", SeedDictation), key: "");
        await empty.AssertErrorAsync(HttpStatusCode.Unauthorized, "Invalid_api_key");
        using var wrong = await world.GetAsync(PathOf("sarah", SeedDictation), key: ServerKey + "x");
        await wrong.AssertErrorAsync(HttpStatusCode.Unauthorized, "Invalid_api_key");
        using var prefix = await world.GetAsync(PathOf("sarah", SeedDictation), key: ServerKey[..^1]);
        await prefix.AssertErrorAsync(HttpStatusCode.Unauthorized, "Invalid_api_key");
        using var twice = await world.GetAsync(PathOf("sarah", SeedDictation), key: null, configure: r => r.Headers.TryAddWithoutValidation("x-sps-api-key", [ServerKey, ServerKey]));
        await twice.AssertErrorAsync(HttpStatusCode.Unauthorized, "Invalid_api_key");
        using var userKey = await world.GetAsync(PathOf("sarah", SeedDictation), key: AttacheApp.AdminKey);
        await userKey.AssertErrorAsync(HttpStatusCode.Unauthorized, "Invalid_api_key");
    }

    [Fact]
    public async Task An_imported_and_a_configured_key_both_download()
    {
        foreach (var key in new[] { ServerKey, ConfiguredKey, $"\"{ConfiguredKey}\"" })
        {
            using var response = await world.GetAsync(PathOf("sarah", SeedDictation), key);
            Assert.True(HttpStatusCode.OK == response.StatusCode, key);
            Assert.Equal(SeedRtf, await response.Content.ReadAsStringAsync(NativeApi.Token));
        }
    }

    [Fact]
    public async Task Each_request_has_its_own_cri_in_the_body_the_header_and_the_log_line()
    {
        using var first = await world.GetAsync(PathOf("sarah", "not_valid_ID"));
        var cri = await first.AssertErrorAsync(HttpStatusCode.BadRequest, "ID_not_valid");
        using var second = await world.GetAsync(PathOf("sarah", "not_valid_ID"));
        Assert.NotEqual(cri, await second.AssertErrorAsync(HttpStatusCode.BadRequest, "ID_not_valid"));

        Assert.Contains(world.Log.Lines, line => line.Contains(cri, StringComparison.Ordinal) && line.Contains("ID_not_valid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_success_carries_its_cri_in_the_header_and_the_audit_trail()
    {
        using var response = await world.GetAsync(PathOf("sarah", "1EA29334-6008-41E4-8DB5-0C88C14F6AC0"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cri = response.Headers.GetValues("x-sps-cri").Single();

        using var admin = world.CreateAdminClient();
        var events = await admin.AuditEventsAsync($"?action=download&document={SeedDictation}&limit=1000", e => e.Str("correlationId") == cri);
        var download = Assert.Single(events, e => e.Str("correlationId") == cri);
        Assert.Equal("server-key:SpeechExec", download.Str("principal"));
        Assert.Equal("ok", download.Str("result"));
        Assert.Equal(200, download.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("1ea29334-6008-41e4-8db5-0c88c14f6ac0")]
    [InlineData("1EA29334-6008-41E4-8DB5-0C88C14F6AC0")]
    [InlineData("{1ea29334-6008-41e4-8db5-0c88c14f6ac0}")]
    [InlineData("(1EA29334-6008-41E4-8DB5-0C88C14F6AC0)")]
    [InlineData("1ea29334600841e48db50c88c14f6ac0")]
    [InlineData("%7B1EA29334-6008-41e4-8db5-0c88c14f6ac0%7D")]
    public async Task A_guid_in_any_spelling_dotnet_parses_names_the_same_dictation(string id)
    {
        using var response = await world.GetAsync(PathOf("sarah", id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SeedRtf, await response.Content.ReadAsStringAsync(NativeApi.Token));
    }

    [Theory]
    [InlineData("1ea29334-6008-41e4-8db5-0c88c14f6ac")]
    [InlineData("1ea29334-6008-41e4-8db5-0c88c14f6ac0x")]
    [InlineData("1ea29334_6008_41e4_8db5_0c88c14f6ac0")]
    [InlineData("%2E%2E%2Fetc")]
    [InlineData("1256")]
    public async Task Anything_else_is_400_ID_not_valid(string id)
    {
        using var response = await world.GetAsync(PathOf("sarah", id));
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "ID_not_valid");
    }

    [Fact]
    public async Task A_very_long_id_is_400_ID_not_valid()
    {
        using var response = await world.GetAsync(PathOf("sarah", new string('a', 4000)));
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "ID_not_valid");
    }

    [Theory]
    [InlineData("sarah%20miller")]
    [InlineData("sa%2Frah")]
    [InlineData("sa%5Crah")]
    [InlineData("sarah%3A")]
    [InlineData(".sarah")]
    [InlineData("%01")]
    public async Task An_author_name_no_user_could_have_is_400_Username_not_valid(string author)
    {
        using var response = await world.GetAsync(PathOf(author, "not_valid_ID"));
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "Username_not_valid");
    }

    [Theory]
    [InlineData("/dms/dictations//1ea29334-6008-41e4-8db5-0c88c14f6ac0/attachment")]
    [InlineData("/dms/dictations//")]
    public async Task An_empty_author_name_is_400_Username_not_valid(string path)
    {
        using var response = await world.GetAsync(path);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "Username_not_valid");
    }

    [Theory]
    [InlineData("/dms/dictations/sarah//attachment", "ID_not_valid")]
    [InlineData("/dms/dictations/nobody//attachment", "ID_not_valid")]
    [InlineData("/dms/dictations/sarah%20miller//attachment", "Username_not_valid")]
    [InlineData("/dms/dictations///attachment", "Username_not_valid")]
    [InlineData("/dms/dictations/sa%2Frah//attachment", "Username_not_valid")]
    public async Task An_empty_dictation_id_is_not_a_guid(string path, string failureCode)
    {
        using var response = await world.GetAsync(path);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, failureCode);
    }

    [Theory]
    [InlineData("outsider")]
    [InlineData("nobody")]
    [InlineData("gone")]
    [InlineData("Sarah")]
    [InlineData("admin")]
    public async Task A_name_that_is_no_enabled_enterprise_member_is_400_User_not_exists(string author)
    {
        using var response = await world.GetAsync(PathOf(author, SeedDictation));
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "User_not_exists");
    }

    [Theory]
    [InlineData("zo%C3%AB")]
    [InlineData("zoe%CC%88")]
    public async Task A_unicode_author_name_in_either_normal_form_is_that_member(string author)
    {
        using var response = await world.GetAsync(PathOf(author, SeedDictation));
        await response.AssertErrorAsync(HttpStatusCode.NotFound, "Dictation_id_not_found");
    }

    [Fact]
    public async Task Another_authors_dictation_is_404_like_one_that_does_not_exist()
    {
        using var johns = await world.GetAsync(PathOf("sarah", JohnsDictation));
        await johns.AssertErrorAsync(HttpStatusCode.NotFound, "Dictation_id_not_found");
        using var none = await world.GetAsync(PathOf("sarah", Guid.NewGuid().ToString()));
        await none.AssertErrorAsync(HttpStatusCode.NotFound, "Dictation_id_not_found");
        Assert.Equal(johns.Content.Headers.ContentLength, none.Content.Headers.ContentLength);

        using var asJohn = await world.GetAsync(PathOf("john", JohnsDictation));
        Assert.Equal(HttpStatusCode.OK, asJohn.StatusCode);
        using var outsiders = await world.GetAsync(PathOf("sarah", OutsidersDictation));
        await outsiders.AssertErrorAsync(HttpStatusCode.NotFound, "Dictation_id_not_found");
    }

    [Fact]
    public async Task A_pending_dictation_of_another_author_does_not_reveal_its_state()
    {
        using var response = await world.GetAsync(PathOf("john", Pending));
        await response.AssertErrorAsync(HttpStatusCode.NotFound, "Dictation_id_not_found");
    }

    [Theory]
    [InlineData(InInbox)]
    [InlineData(NotADictation)]
    [InlineData(Deleted)]
    [InlineData(UpperCaseId)]
    public async Task A_document_outside_the_archive_and_finished_dictations_is_404_Dictation_id_not_found(string id)
    {
        using var response = await world.GetAsync(PathOf("sarah", id));
        await response.AssertErrorAsync(HttpStatusCode.NotFound, "Dictation_id_not_found");
    }

    [Fact]
    public async Task A_dictation_that_is_not_finished_is_404_Dictation_state_not_valid_for_operation()
    {
        using var response = await world.GetAsync(PathOf("sarah", Pending));
        await response.AssertErrorAsync(HttpStatusCode.NotFound, "Dictation_state_not_valid_for_operation");
    }

    [Fact]
    public async Task A_finished_dictation_without_attachment_is_404_Attachment_not_found()
    {
        using var response = await world.GetAsync(PathOf("sarah", NoAttachment));
        await response.AssertErrorAsync(HttpStatusCode.NotFound, "Attachment_not_found");
    }

    [Fact]
    public async Task A_dictation_in_the_finished_folder_downloads_with_a_non_ascii_name_in_filename_star()
    {
        using var response = await world.GetAsync(PathOf("sarah", InFinishedFolder));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.GetValues("Content-Type").Single());
        Assert.Equal("see_dictation_attachment; filename=\"Bericht f_r M_ller.dss.rtf\"; filename*=UTF-8''Bericht%20f%C3%BCr%20M%C3%BCller.dss.rtf",
            response.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal($"attachment of {InFinishedFolder}", await response.Content.ReadAsStringAsync(NativeApi.Token));
    }

    [Fact]
    public async Task Range_conditional_and_head_requests_go_through_the_download_engine()
    {
        using var ranged = await world.GetAsync(PathOf("sarah", SeedDictation), configure: r => r.Headers.Range = new RangeHeaderValue(1, 5));
        Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
        Assert.Equal(SeedRtf[1..6], await ranged.Content.ReadAsStringAsync(NativeApi.Token));
        Assert.Equal("application/octet-stream", ranged.Content.Headers.ContentType?.ToString());
        Assert.Equal($"bytes 1-5/{SeedRtf.Length}", ranged.Content.Headers.ContentRange?.ToString());
        var etag = ranged.Headers.ETag!;

        using var notModified = await world.GetAsync(PathOf("sarah", SeedDictation), configure: r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Single(notModified.Headers.GetValues("x-sps-cri"));

        using var failed = await world.GetAsync(PathOf("sarah", SeedDictation), configure: r => r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"other\"")));
        Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);

        using var unsatisfiable = await world.GetAsync(PathOf("sarah", SeedDictation), configure: r => r.Headers.Range = new RangeHeaderValue(10_000, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);

        using var head = await world.GetAsync(PathOf("sarah", SeedDictation), method: HttpMethod.Head);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(SeedRtf.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(NativeApi.Token));
        Assert.Equal("see_dictation_attachment; filename=test044.wav.rtf", head.Content.Headers.GetValues("Content-Disposition").Single());
    }

    [Fact]
    public async Task Wrong_methods_and_unknown_paths_answer_in_the_envelope()
    {
        using var post = await world.GetAsync(PathOf("sarah", SeedDictation), method: HttpMethod.Post);
        await post.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "Generic_error");
        using var delete = await world.GetAsync(PathOf("sarah", SeedDictation), method: HttpMethod.Delete);
        await delete.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "Generic_error");
        using var unknown = await world.GetAsync("/dms/nothing");
        await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "Generic_error");
        using var deeper = await world.GetAsync("/dms/dictations/sarah/" + SeedDictation + "/attachment/more");
        await deeper.AssertErrorAsync(HttpStatusCode.NotFound, "Generic_error");
    }
}
