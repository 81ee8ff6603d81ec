using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Dialects.RevLegal;

/// <summary>The latest version is served once every editor session on it has been closed for two minutes.</summary>
public sealed class RevEditorSessionTests : IAsyncLifetime
{
    private const string Edited = """
        {"speakers":[{"id":1,"name":"Witness"}],"monologues":[{"id":1,"speaker":1,"speaker_name":"Witness","monologue_type":"answer","elements":[{"type":"text","value":"Edited answer","timestamp":"00:00:21,000","end_timestamp":"00:00:21,500"}]}]}
        """;

    private readonly RevWorld _world = new();
    private HttpClient _rev = null!;
    private HttpClient _native = null!;

    public async ValueTask InitializeAsync()
    {
        await _world.InitializeAsync();
        _rev = _world.Rev();
        _native = _world.Native();
        _world.App.Clock.Advance(TimeSpan.FromMinutes(10));
    }

    public async ValueTask DisposeAsync()
    {
        _rev.Dispose();
        _native.Dispose();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task The_edit_shows_two_minutes_after_the_session_closed_and_not_a_tick_before()
    {
        var session = await OpenAsync();
        await StoreEditAsync();
        Assert.Equal(RevWorld.Transcript, await JsonContentAsync());

        await CloseAsync(session);
        Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(RevWorld.Transcript, await JsonContentAsync());
        Assert.Contains("“Yes”", await TextContentAsync(), StringComparison.Ordinal);

        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Edited, await JsonContentAsync());
        Assert.Contains("Edited answer", await TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_two_overlapping_sessions_the_clock_starts_when_the_last_one_closes()
    {
        var first = await OpenAsync();
        Advance(TimeSpan.FromMinutes(1));
        var second = await OpenAsync();
        Advance(TimeSpan.FromMinutes(1));
        await StoreEditAsync();
        Advance(TimeSpan.FromMinutes(1));
        await CloseAsync(first);

        Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(RevWorld.Transcript, await JsonContentAsync()); // the first closed two minutes ago, the second is open

        Advance(TimeSpan.FromMinutes(1));
        await CloseAsync(second);
        Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(RevWorld.Transcript, await JsonContentAsync());

        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Edited, await JsonContentAsync());
    }

    [Fact]
    public async Task An_edit_stored_while_no_session_is_open_is_served_at_once()
    {
        await StoreEditAsync();

        Assert.Equal(Edited, await JsonContentAsync());
    }

    [Fact]
    public async Task A_session_left_open_keeps_the_last_stable_version_for_good()
    {
        await StoreEditAsync();
        Advance(TimeSpan.FromMinutes(1));
        await OpenAsync();
        using (var again = new StringContent(RevWorld.Transcript.Replace("Yes", "No", StringComparison.Ordinal), Encoding.UTF8, "application/json"))
        {
            using var stored = await _native.PutAsync("/v1/files/att-ai/content", again, NativeApi.Token);
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        }

        Advance(TimeSpan.FromDays(30));

        Assert.Equal(Edited, await JsonContentAsync());
    }

    [Fact]
    public async Task An_edit_refused_for_its_checksum_leaves_the_stable_transcript_served()
    {
        using (var content = new StringContent(Edited, Encoding.UTF8, "application/json"))
        {
            content.Headers.ContentMD5 = new byte[16];
            using var refused = await _native.PutAsync("/v1/files/att-ai/content", content, NativeApi.Token);
            Assert.False(refused.IsSuccessStatusCode);
        }

        Assert.Equal(RevWorld.Transcript, await JsonContentAsync());
        Assert.Contains("“Yes”", await TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_representation_parses_back_to_what_was_stored_with_word_timestamps_and_monologue_types()
    {
        using var response = await _rev.GetAsync("/rev/api/v1/attachments/att-human/content.json", NativeApi.Token);
        var served = await response.Content.ReadAsByteArrayAsync(NativeApi.Token);

        Assert.Equal(Encoding.UTF8.GetBytes(RevWorld.Transcript), served);
        var parsed = JsonNode.Parse(served)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(RevWorld.Transcript), parsed));
        var monologue = parsed["monologues"]![0]!;
        Assert.Equal("answer", (string?)monologue["monologue_type"]);
        Assert.Equal("00:00:20,000", (string?)monologue["elements"]![0]!["timestamp"]);
        Assert.Equal("00:00:20,138", (string?)monologue["elements"]![0]!["end_timestamp"]);

        var text = await TextContentAsync("att-human");
        Assert.DoesNotContain("00:00:20", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_are_listed_closed_once_and_need_edit_permission()
    {
        var session = await OpenAsync();
        var closed = await CloseAsync(session);
        Advance(TimeSpan.FromMinutes(5));
        var again = await CloseAsync(session);

        Assert.Equal(closed.GetProperty("closed").GetString(), again.GetProperty("closed").GetString());
        using var list = await _native.GetAsync("/v1/files/att-ai/editor-sessions", NativeApi.Token);
        var items = (await list.JsonAsync()).GetProperty("items");
        Assert.Equal(session, items[0].Str("id"));
        Assert.Equal("rev-user", items[0].Str("principal"));

        using var other = _world.Native(RevWorld.OtherUserKey);
        using var refused = await other.PostAsync("/v1/files/att-ai/editor-sessions", null, NativeApi.Token);
        await refused.ProblemAsync(HttpStatusCode.NotFound);
        using var unknown = await _native.DeleteAsync("/v1/files/att-ai/editor-sessions/nope", NativeApi.Token);
        await unknown.ProblemAsync(HttpStatusCode.NotFound);
        using var elsewhere = await _native.DeleteAsync($"/v1/files/att-human/editor-sessions/{session}", NativeApi.Token);
        await elsewhere.ProblemAsync(HttpStatusCode.NotFound);
    }

    private void Advance(TimeSpan by) => _world.App.Clock.Advance(by);

    private async Task<string> OpenAsync()
    {
        using var response = await _native.PostAsync("/v1/files/att-ai/editor-sessions", null, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var session = await response.JsonAsync();
        Assert.Equal(JsonValueKind.Null, session.GetProperty("closed").ValueKind);
        return session.Str("id");
    }

    private async Task<JsonElement> CloseAsync(string session)
    {
        using var response = await _native.DeleteAsync($"/v1/files/att-ai/editor-sessions/{session}", NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task StoreEditAsync()
    {
        using var content = new StringContent(Edited, Encoding.UTF8, "application/json");
        using var response = await _native.PutAsync("/v1/files/att-ai/content", content, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("deposition.json", (await response.JsonAsync()).Str("fileName"));
    }

    private async Task<string> JsonContentAsync()
    {
        using var response = await _rev.GetAsync("/rev/api/v1/attachments/att-ai/content", NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(NativeApi.Token);
    }

    private async Task<string> TextContentAsync(string attachment = "att-ai")
    {
        using var response = await _rev.GetAsync($"/rev/api/v1/attachments/{attachment}/content.txt", NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(NativeApi.Token);
    }
}
