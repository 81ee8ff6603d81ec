using System.Net;
using System.Net.Http.Headers;

namespace Attache.Server.Tests.Dialects.DocumentApi;

/// <summary>Presigned URLs and token lifetimes against the fake clock; each test has a world of its own.</summary>
public sealed class DocumentApiPresignedTests : IAsyncLifetime
{
    private readonly DocumentApiWorld _world = new();

    private static CancellationToken Token => DocumentApiWorld.Token;

    public ValueTask InitializeAsync() => _world.InitializeAsync();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_presigned_url_works_without_authorization_until_its_hour_is_over()
    {
        var url = await _world.PresignAsync(await _world.TokenAsync());

        _world.App.Clock.Advance(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(59));
        using var lastSecond = await _world.GetAsync(url);
        _world.App.Clock.Advance(TimeSpan.FromSeconds(1));
        using var expired = await _world.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, lastSecond.StatusCode);
        Assert.Equal(DocumentApiWorld.SeedPdf, await lastSecond.Content.ReadAsStringAsync(Token));
        await expired.AssertErrorAsync(403, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_shorter_link_limit_shortens_the_presigned_url_and_a_longer_url_lifetime_set_on_purpose_stops_the_start()
    {
        await using var shorter = new DocumentApiWorld(new Dictionary<string, string?>
        {
            ["Attache:Links:DefaultTtl"] = "00:05:00",
            ["Attache:Links:MaxTtl"] = "00:10:00",
        });
        await shorter.InitializeAsync();
        var url = await shorter.PresignAsync(await shorter.TokenAsync());
        shorter.App.Clock.Advance(TimeSpan.FromMinutes(10));
        using var expired = await shorter.GetAsync(url);
        await expired.AssertErrorAsync(403, "UNAUTHORIZED");

        await using var wrong = new AttacheApp(new Dictionary<string, string?>
        {
            ["Attache:Links:DefaultTtl"] = "00:05:00",
            ["Attache:Links:MaxTtl"] = "00:10:00",
            ["Attache:Dialects:DocumentApi:DownloadUrlLifetime"] = "01:00:00",
        });
        var error = Assert.Throws<InvalidOperationException>(() => wrong.CreateClient());
        Assert.Contains("Attache:Dialects:DocumentApi:DownloadUrlLifetime", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_presigned_url_with_any_one_character_of_its_signature_changed_is_403()
    {
        var url = await _world.PresignAsync(await _world.TokenAsync());
        var start = url.IndexOf("signature=", StringComparison.Ordinal) + "signature=".Length;

        for (var position = start; position < url.Length; position += 7)
        {
            var tampered = url[..position] + (url[position] == 'A' ? 'B' : 'A') + url[(position + 1)..];

            using var response = await _world.GetAsync(tampered);

            await response.AssertErrorAsync(403, "UNAUTHORIZED");
        }
    }

    [Fact]
    public async Task A_presigned_url_moved_to_another_document_is_403_even_for_a_document_the_user_may_read()
    {
        var token = await _world.TokenAsync();
        var url = await _world.PresignAsync(token);

        using var moved = await _world.GetAsync(url.Replace(DocumentApiWorld.SeedDocument, "stored-type", StringComparison.Ordinal));
        using var movedWithToken = await _world.GetAsync(url.Replace(DocumentApiWorld.SeedDocument, "stored-type", StringComparison.Ordinal), token);

        await moved.AssertErrorAsync(403, "UNAUTHORIZED");
        await movedWithToken.AssertErrorAsync(403, "UNAUTHORIZED");
    }

    [Theory]
    [InlineData("&x=1")]
    [InlineData("&signature=again")]
    public async Task A_presigned_url_with_anything_added_is_403(string suffix)
    {
        var url = await _world.PresignAsync(await _world.TokenAsync());

        using var response = await _world.GetAsync(url + suffix);

        await response.AssertErrorAsync(403, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_presigned_url_answers_head_and_ranges_and_stays_out_of_caches()
    {
        var url = await _world.PresignAsync(await _world.TokenAsync());

        using var head = await _world.GetAsync(url, method: HttpMethod.Head);
        using var range = await _world.GetAsync(url, configure: r => r.Headers.Range = new RangeHeaderValue(1, 3));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal("PDF", await range.Content.ReadAsStringAsync(Token));
        Assert.Equal("no-referrer", range.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(range.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task A_presigned_url_of_a_document_deleted_since_is_not_found()
    {
        var url = await _world.PresignAsync(await _world.TokenAsync());
        using var admin = _world.App.CreateAdminClient();
        using (var deleted = await admin.DeleteAsync($"/v1/documents/{DocumentApiWorld.SeedDocument}", Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var response = await _world.GetAsync(url);

        await response.AssertErrorAsync(437, "Document not found");
    }

    [Fact]
    public async Task A_token_expires_after_its_lifetime()
    {
        var token = await _world.TokenAsync();

        _world.App.Clock.Advance(TimeSpan.FromMinutes(59));
        using var live = await _world.GetAsync("/docapi/download/doc-abc-123-def-456", token);
        _world.App.Clock.Advance(TimeSpan.FromMinutes(2));
        using var expired = await _world.GetAsync("/docapi/download/doc-abc-123-def-456", token);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        await expired.AssertErrorAsync(403, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Disabling_the_client_ends_its_users_tokens_at_once()
    {
        var token = await _world.TokenAsync();
        using var admin = _world.App.CreateAdminClient();
        using (var disabled = await admin.PatchAsync("/v1/principals/seed-client", new StringContent("""{"enabled":false}""", System.Text.Encoding.UTF8, "application/json"), Token))
        {
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        }

        using var response = await _world.GetAsync("/docapi/download/doc-abc-123-def-456", token);

        await response.AssertErrorAsync(403, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_missing_blob_is_a_logged_500_in_the_envelope_without_details()
    {
        var token = await _world.TokenAsync();
        await _world.App.LoseAllBlobsAsync();

        using var response = await _world.GetAsync("/docapi/download/doc-abc-123-def-456", token);

        await response.AssertErrorAsync(500, "Failed to download document");
    }

    [Fact]
    public async Task A_broken_database_is_a_500_in_the_envelope_with_the_calls_own_message()
    {
        var token = await _world.TokenAsync();
        await _world.App.Store.BreakDocumentsTableAsync(Token);

        using var presign = await _world.PostAsync("/docapi/download", """{"document_id":"doc-abc-123-def-456"}""", token);

        await presign.AssertErrorAsync(500, "Failed to generate download URL");
    }
}
