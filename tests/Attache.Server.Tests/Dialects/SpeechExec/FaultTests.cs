using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Attache.Server.Tests.Api;
using static Attache.Server.Tests.Dialects.SpeechExec.SpeechExecWorld;

namespace Attache.Server.Tests.Dialects.SpeechExec;

/// <summary>The seed's examples that need the world changed first, each on a world of its own.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private const string SeedPath = "/dms/dictations/sarah/1ea29334-6008-41e4-8db5-0c88c14f6ac0/attachment";

    private readonly SpeechExecWorld _world = new();

    public ValueTask InitializeAsync() => _world.InitializeAsync();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task The_seeds_dictation_without_its_attached_document_is_404_Attachment_not_found()
    {
        using var admin = _world.CreateAdminClient();
        var files = await admin.GetFromJsonAsync<JsonElement>($"/v1/documents/{SeedDictation}/files", NativeApi.Token);
        using var removed = await admin.DeleteAsync($"/v1/files/{files.GetProperty("items")[0].Str("id")}", NativeApi.Token);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);

        using var response = await _world.GetAsync(SeedPath, "\"" + ServerKey + "\"");
        await response.AssertErrorAsync(HttpStatusCode.NotFound, "Attachment_not_found");
    }

    [Fact]
    public async Task Bytes_missing_from_the_blob_store_are_500_Generic_error_with_the_cri_in_the_log()
    {
        await _world.App.LoseAllBlobsAsync();

        using var response = await _world.GetAsync(SeedPath, "\"" + ServerKey + "\"");
        var cri = await response.AssertErrorAsync(HttpStatusCode.InternalServerError, "Generic_error");
        Assert.Contains(_world.Log.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains(cri, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_database_is_500_Generic_error_with_the_exception_logged_under_the_cri_and_never_shown()
    {
        await _world.App.Store.BreakDocumentsTableAsync(NativeApi.Token);

        using var response = await _world.GetAsync(SeedPath, "\"" + ServerKey + "\"");
        var cri = await response.AssertErrorAsync(HttpStatusCode.InternalServerError, "Generic_error");
        Assert.DoesNotContain("documents", await response.Content.ReadAsStringAsync(NativeApi.Token), StringComparison.Ordinal);
        Assert.Contains(_world.Log.Lines, line => line.Contains(cri, StringComparison.Ordinal) && (line.EndsWith("SqliteException", StringComparison.Ordinal) || line.EndsWith("PostgresException", StringComparison.Ordinal)));
    }
}
