using System.Net;
using System.Text.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Dialects.SpeechExec;

/// <summary>The DMS calls an integrator uses to find the ids it downloads: users, every dictation, an author's dictations.</summary>
public sealed class ListTests(SpeechExecWorld world) : IClassFixture<SpeechExecWorld>
{
    private const string SarahsDictations =
        """{"user":"sarah","role":0,"files":[""" +
        """{"DictationID":"1ea29334-6008-41e4-8db5-0c88c14f6ac0","AudioFileName":"test044.wav","DictationState":5,"HasAttachment":true,"IsArchive":true,"SubfolderHierarchy":"ARCH_20150806","LastChangedDateTimeUtc":"2026-11-22T12:00:00.0000000Z"},""" +
        """{"DictationID":"5a0ab9a4-0000-4000-8000-000000000001","AudioFileName":"","DictationState":5,"HasAttachment":false,"IsArchive":true,"SubfolderHierarchy":"","LastChangedDateTimeUtc":"2026-11-22T12:00:00.0000000Z"},""" +
        """{"DictationID":"5a0ab9a4-0000-4000-8000-000000000002","AudioFileName":"pending.wav","DictationState":2,"HasAttachment":true,"IsArchive":false,"SubfolderHierarchy":"","LastChangedDateTimeUtc":"2026-11-22T12:00:00.0000000Z"},""" +
        """{"DictationID":"5a0ab9a4-0000-4000-8000-000000000003","AudioFileName":"Bericht für Müller.dss","DictationState":5,"HasAttachment":true,"IsArchive":false,"SubfolderHierarchy":"","LastChangedDateTimeUtc":"2026-11-22T12:00:00.0000000Z"}""" +
        "]}";

    private const string JohnsDictations =
        """{"user":"john","role":0,"files":[""" +
        """{"DictationID":"5a0ab9a4-0000-4000-8000-000000000005","AudioFileName":"john.wav","DictationState":5,"HasAttachment":true,"IsArchive":true,"SubfolderHierarchy":"","LastChangedDateTimeUtc":"2026-11-22T12:00:00.0000000Z"}""" +
        "]}";

    private static async Task<(string Cri, string Body)> OkAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var body = await response.Content.ReadAsStringAsync(NativeApi.Token);
        var cri = JsonDocument.Parse(body).RootElement.GetProperty("CRI").GetString()!;
        Assert.Equal(cri, response.Headers.GetValues("x-sps-cri").Single());
        Assert.Equal(cri.ToUpperInvariant(), cri);
        return (cri, body);
    }

    [Fact]
    public async Task Users_are_the_enabled_members_of_the_enterprise_group()
    {
        using var response = await world.GetAsync("/dms/users");
        var (cri, body) = await OkAsync(response);
        Assert.Equal($$"""{"CRI":"{{cri}}","users":[{"username":"john"},{"username":"sarah"},{"username":"zoë"}]}""", body);
    }

    [Fact]
    public async Task An_authors_dictations_list_the_archive_before_the_finished_folder_with_the_products_fields()
    {
        using var response = await world.GetAsync("/dms/dictations/sarah");
        var (cri, body) = await OkAsync(response);
        Assert.Equal($$"""{"CRI":"{{cri}}","data":[{{SarahsDictations}}]}""", body);
    }

    [Fact]
    public async Task Every_dictation_is_listed_per_author_including_authors_without_any()
    {
        using var response = await world.GetAsync("/dms/dictations");
        var (cri, body) = await OkAsync(response);
        Assert.Equal($$"""{"CRI":"{{cri}}","data":[{{JohnsDictations}},{{SarahsDictations}},{"user":"zoë","role":0,"files":[]}]}""", body);
    }

    [Fact]
    public async Task Every_listed_dictation_with_an_attachment_in_state_5_downloads()
    {
        using var response = await world.GetAsync("/dms/dictations");
        var (_, body) = await OkAsync(response);
        var downloadable = 0;
        foreach (var user in JsonDocument.Parse(body).RootElement.GetProperty("data").EnumerateArray())
        {
            foreach (var file in user.GetProperty("files").EnumerateArray())
            {
                if (file.GetProperty("HasAttachment").GetBoolean() && file.GetProperty("DictationState").GetInt32() == 5)
                {
                    using var download = await world.GetAsync($"/dms/dictations/{Uri.EscapeDataString(user.Str("user"))}/{file.Str("DictationID")}/attachment");
                    Assert.Equal(HttpStatusCode.OK, download.StatusCode);
                    downloadable++;
                }
            }
        }

        Assert.Equal(3, downloadable);
    }

    [Fact]
    public async Task List_errors_use_the_same_envelope()
    {
        using var noKey = await world.GetAsync("/dms/users", key: null);
        await noKey.AssertErrorAsync(HttpStatusCode.Unauthorized, "Invalid_api_key");
        using var allNoKey = await world.GetAsync("/dms/dictations", key: "wrong");
        await allNoKey.AssertErrorAsync(HttpStatusCode.Unauthorized, "Invalid_api_key");
        using var outsider = await world.GetAsync("/dms/dictations/outsider");
        await outsider.AssertErrorAsync(HttpStatusCode.BadRequest, "User_not_exists");
        using var spaces = await world.GetAsync("/dms/dictations/sarah%20miller");
        await spaces.AssertErrorAsync(HttpStatusCode.BadRequest, "Username_not_valid");
        using var slash = await world.GetAsync("/dms/dictations/sa%2Frah");
        await slash.AssertErrorAsync(HttpStatusCode.BadRequest, "Username_not_valid");
    }
}
