using System.Net;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Reliability.Generated;

namespace Attache.Server.Tests.Reliability.Ids;

/// <summary>
/// Reliability §3 B13–B17 on the demo world with canaries (<see cref="GeneratedWorld"/>).
/// B13: the only routes naming a document and a file together are Dynacase's; the native API names files by id alone.
/// B14: native ids are the caller's strings, compared exactly (documented); GUIDs are parsed only where the product
/// types them, SpeechExec's <c>DictationID</c>. B16: blob paths are built from the SHA-256 alone; the path check is
/// unit-tested in Attache.Storage.Tests (FileSystemBlobStoreTests).
/// </summary>
public sealed class IdCaseTests(GeneratedWorld world) : IClassFixture<GeneratedWorld>
{
    private static readonly string[] Malformed =
    [
        "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%c0%ae%c0%ae", "..%5c..%5c", "%01", new string('x', 10_240), "99999999999999999999", "-1", ".hidden",
    ];

    [Fact]
    public async Task B13_A_file_of_another_document_named_under_a_readable_document_is_refused_like_a_missing_one()
    {
        var (client, watch) = LeakWatch.Client(world.App, world.Canaries);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Dynacase demo-key-sarah-0123456789abcdef");
        var other = world.Canaries[1].FileId;

        using var byId = await client.GetAsync($"/dynacase/api/documents/dyn-1001/file/{other}", NativeApi.Token);
        using var missing = await client.GetAsync("/dynacase/api/documents/dyn-1001/file/999999999", NativeApi.Token);
        using var download = await client.GetAsync($"/dynacase/file/dyn-1001/{other}/-1/fi_file/x.txt", NativeApi.Token);
        using var missingDownload = await client.GetAsync("/dynacase/file/dyn-1001/999999999/-1/fi_file/x.txt", NativeApi.Token);

        Assert.Equal((HttpStatusCode.BadRequest, "CRUD0605"), (missing.StatusCode, await CodeAsync(missing)));
        Assert.Equal((missing.StatusCode, await CodeAsync(missing)), (byId.StatusCode, await CodeAsync(byId)));
        Assert.Equal((missingDownload.StatusCode, await CodeAsync(missingDownload)), (download.StatusCode, await CodeAsync(download)));
        Assert.Empty(watch.Leaks);
    }

    [Theory]
    [InlineData("D")]
    [InlineData("N")]
    [InlineData("B")]
    [InlineData("P")]
    [InlineData("upper")]
    public async Task B14_Every_spelling_of_a_dictation_guid_gets_the_same_decision(string format)
    {
        var (client, watch) = LeakWatch.Client(world.App, world.Canaries);
        client.DefaultRequestHeaders.Add("x-sps-api-key", "demo-speechexec-key-0123456789");
        string Spell(string id) => format == "upper" ? id.ToUpperInvariant() : Guid.Parse(id).ToString(format);

        using var readable = await client.GetAsync($"/SEEAppInterface/dms/dictations/sarah/{Spell("1ea29334-6008-41e4-8db5-0c88c14f6ac0")}/attachment", NativeApi.Token);
        using var canary = await client.GetAsync($"/SEEAppInterface/dms/dictations/olivia/{Spell(GeneratedWorld.DictationCanaryId)}/attachment", NativeApi.Token);
        using var canaryAsSarah = await client.GetAsync($"/SEEAppInterface/dms/dictations/sarah/{Spell(GeneratedWorld.DictationCanaryId)}/attachment", NativeApi.Token);

        Assert.Equal(HttpStatusCode.OK, readable.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, canary.StatusCode);
        Assert.Equal("User_not_exists", canary.Headers.Contains("x-sps-cri") ? Failure(await canary.Content.ReadAsStringAsync(NativeApi.Token)) : "");
        Assert.Equal(HttpStatusCode.NotFound, canaryAsSarah.StatusCode);
        Assert.Equal("Dictation_id_not_found", Failure(await canaryAsSarah.Content.ReadAsStringAsync(NativeApi.Token)));
        Assert.Empty(watch.Leaks);
    }

    [Fact]
    public async Task B15_Malformed_ids_are_400_or_404_even_for_an_administrator_and_never_reach_another_document()
    {
        var (client, watch) = LeakWatch.Client(world.App, [], AttacheApp.AdminKey);
        foreach (var id in Malformed)
        {
            foreach (var path in new[] { $"/v1/documents/{id}", $"/v1/files/{id}", $"/v1/files/{id}/content", $"/v1/files/{id}/versions/{id}/content", $"/l/{id}" })
            {
                using var response = await client.GetAsync(path, NativeApi.Token);
                Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{path}: {(int)response.StatusCode}");
            }
        }

        Assert.True(watch.Searched >= Malformed.Length * 5);
        Assert.Empty(world.App.Errors);
    }

    [Fact]
    public async Task B17_A_symbolic_link_planted_in_the_store_is_never_followed()
    {
        // A link can only be planted among files: the blobs stay on the file system even in the S3 configuration.
        await using var store = new TestStore(TestStore.UsesPostgres, s3: false);
        await using var app = new AttacheApp(store: store);
        using var admin = app.CreateAdminClient();
        await admin.CreateDocumentAsync(new { id = "planted" });
        var content = "bytes the store keeps"u8.ToArray();
        var file = await admin.UploadAsync("planted", content, "planted.txt");
        var blob = app.BlobFiles().Single(path => Path.GetFileName(path) == file.Str("sha256"));
        var target = Path.Combine(app.DataPath, "outside-the-store.txt");
        await File.WriteAllTextAsync(target, "SECRET-OUTSIDE-THE-STORE", NativeApi.Token);
        File.Delete(blob);
        File.CreateSymbolicLink(blob, target);

        using var response = await admin.GetAsync($"/v1/files/{file.Str("id")}/content", NativeApi.Token);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("SECRET-OUTSIDE-THE-STORE", await response.Content.ReadAsStringAsync(NativeApi.Token), StringComparison.Ordinal);
    }

    private static async Task<string> CodeAsync(HttpResponseMessage response) =>
        System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(NativeApi.Token)).RootElement.GetProperty("messages")[0].GetProperty("code").GetString()!;

    private static string Failure(string body) =>
        System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("FailureCode").GetString()!;
}
