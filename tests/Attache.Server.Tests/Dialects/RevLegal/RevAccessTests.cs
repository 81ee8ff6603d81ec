using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Dialects.RevLegal;

public sealed class RevAccessTests(RevWorld world) : IClassFixture<RevWorld>
{
    private const string Content = "/rev/api/v1/attachments/att-ai/content";

    private readonly RevWorld _world = world;

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer " + RevWorld.UserKey)]
    [InlineData("Rev " + RevWorld.UserKey)]
    [InlineData("Rev :" + RevWorld.UserKey)]
    [InlineData("Rev " + RevWorld.ClientKey + ":")]
    [InlineData("Rev " + RevWorld.UserKey + ":" + RevWorld.UserKey)]
    [InlineData("Rev " + RevWorld.ClientKey + ":" + RevWorld.ClientKey)]
    [InlineData("Rev " + RevWorld.UserKey + ":" + RevWorld.ClientKey)]
    [InlineData("Rev wrong-client-key:" + RevWorld.UserKey)]
    [InlineData("Rev " + RevWorld.ClientKey + ":wrong-user-key")]
    [InlineData("Rev " + AttacheApp.AdminKey + ":" + AttacheApp.AdminKey)]
    [InlineData("Revx " + RevWorld.ClientKey + ":" + RevWorld.UserKey)]
    public async Task Anything_but_a_client_key_and_a_user_key_is_401_with_an_empty_body(string? authorization)
    {
        using var client = _world.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Content);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request, NativeApi.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Rev realm=\"attache\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(NativeApi.Token));
    }

    [Fact]
    public async Task Two_authorization_headers_are_refused()
    {
        using var client = _world.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Content);
        request.Headers.TryAddWithoutValidation("Authorization", $"Rev {RevWorld.ClientKey}:{RevWorld.UserKey}");
        request.Headers.TryAddWithoutValidation("Authorization", $"Rev {RevWorld.ClientKey}:{RevWorld.UserKey}");

        using var response = await client.SendAsync(request, NativeApi.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_disabled_user_or_client_is_refused_at_once()
    {
        await using var own = new RevWorld();
        await own.InitializeAsync();
        using var rev = own.Rev();
        Assert.Equal(HttpStatusCode.OK, (await rev.GetAsync(Content, NativeApi.Token)).StatusCode);

        using (await own.Admin.PatchAsJsonAsync("/v1/principals/rev-client", new { enabled = false }, NativeApi.Token))
        {
        }

        using var response = await rev.GetAsync(Content, NativeApi.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/rev/api/v1/attachments/att-ai/content")]
    [InlineData("/rev/api/v1/attachments/att-ai/content.pdf")]
    [InlineData("/rev/api/v1/attachments/att-ai")]
    [InlineData("/rev/api/v1/orders/order-att-ai")]
    public async Task Another_users_attachment_is_not_found_as_if_it_did_not_exist(string path)
    {
        using var other = _world.Rev(userKey: RevWorld.OtherUserKey);

        using var response = await other.GetAsync(path, NativeApi.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(NativeApi.Token));
    }

    [Theory]
    [InlineData("/rev/api/v1/attachments/nope/content")]
    [InlineData("/rev/api/v1/attachments/nope/content.txt")]
    [InlineData("/rev/api/v1/attachments/nope")]
    [InlineData("/rev/api/v1/orders/nope")]
    [InlineData("/rev/api/v1/attachments/..%2F..%2Fetc%2Fpasswd/content")]
    [InlineData("/rev/api/v1/attachments/%2E%2E/content")]
    [InlineData("/rev/api/v1/attachments/%E2%80%AEatt-ai/content")]
    [InlineData("/rev/api/v1/attachments/a%20b/content.docx")]
    [InlineData("/rev/api/v1/orders/%2E%2Fx")]
    [InlineData("/rev/api/v1/attachments/att-ai/other")]
    [InlineData("/rev/api/v2/attachments/att-ai/content")]
    public async Task Unknown_and_hostile_ids_are_404_with_an_empty_body(string path)
    {
        using var rev = _world.Rev();

        using var response = await rev.GetAsync(path, NativeApi.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(NativeApi.Token));
    }

    [Fact]
    public async Task A_very_long_id_is_404()
    {
        using var rev = _world.Rev();

        using var response = await rev.GetAsync($"/rev/api/v1/attachments/{new string('a', 5000)}/content", NativeApi.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_deleted_order_and_a_removed_attachment_are_not_found()
    {
        await using var own = new RevWorld();
        await own.InitializeAsync();
        using var rev = own.Rev();
        using (await own.Admin.DeleteAsync("/v1/documents/order-att-human", NativeApi.Token))
        {
        }

        using (await own.Admin.DeleteAsync("/v1/files/att-rtc-txt", NativeApi.Token))
        {
        }

        foreach (var path in new[]
        {
            "/rev/api/v1/attachments/att-human/content", "/rev/api/v1/attachments/att-human", "/rev/api/v1/orders/order-att-human",
            "/rev/api/v1/attachments/att-rtc-txt/content", "/rev/api/v1/attachments/att-rtc-txt",
        })
        {
            using var response = await rev.GetAsync(path, NativeApi.Token);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, path);
        }

        using var order = await rev.GetAsync("/rev/api/v1/orders/order-att-rtc-txt", NativeApi.Token);
        Assert.Equal("""{"order_number":"order-att-rtc-txt","status":"In Progress","attachments":[]}""", await order.Content.ReadAsStringAsync(NativeApi.Token));
    }

    [Fact]
    public async Task Wrong_methods_are_405_with_an_empty_body()
    {
        using var rev = _world.Rev();

        using var post = await rev.PostAsync(Content, new StringContent("x"), NativeApi.Token);
        using var delete = await rev.DeleteAsync("/rev/api/v1/attachments/att-ai", NativeApi.Token);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Empty(await post.Content.ReadAsByteArrayAsync(NativeApi.Token));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
    }

    [Fact]
    public async Task Head_range_and_conditionals_work_on_renditions_and_on_json()
    {
        using var rev = _world.Rev();
        using var whole = await rev.GetAsync(Content + ".docx", NativeApi.Token);
        var body = await whole.Content.ReadAsByteArrayAsync(NativeApi.Token);

        using var head = await rev.SendAsync(new HttpRequestMessage(HttpMethod.Head, Content + ".docx"), NativeApi.Token);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(NativeApi.Token));

        using var range = new HttpRequestMessage(HttpMethod.Get, Content + ".docx");
        range.Headers.Range = new RangeHeaderValue(10, 19);
        using var partial = await rev.SendAsync(range, NativeApi.Token);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(body[10..20], await partial.Content.ReadAsByteArrayAsync(NativeApi.Token));

        using var json = await rev.GetAsync(Content, NativeApi.Token);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, Content);
        conditional.Headers.IfNoneMatch.Add(json.Headers.ETag!);
        using var notModified = await rev.SendAsync(conditional, NativeApi.Token);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task Attachment_metadata_follows_revs_attachment_entity()
    {
        using var rev = _world.Rev();

        using var transcript = await rev.GetAsync("/rev/api/v1/attachments/att-rtc-docx", NativeApi.Token);
        using var media = await rev.GetAsync("/rev/api/v1/attachments/att-media", NativeApi.Token);
        using var xml = new HttpRequestMessage(HttpMethod.Get, "/rev/api/v1/attachments/att-media");
        xml.Headers.Accept.ParseAdd("text/xml");
        using var refused = await rev.SendAsync(xml, NativeApi.Token);

        Assert.Equal("application/json", transcript.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            """{"kind":"transcript","name":"deposition.json","id":"att-rtc-docx","links":[{"rel":"content","href":"http://localhost/rev/api/v1/attachments/att-rtc-docx/content"}]}""",
            await transcript.Content.ReadAsStringAsync(NativeApi.Token));
        Assert.Equal(
            """{"kind":"media","name":"hearing.mp3","id":"att-media","links":[{"rel":"content","href":"http://localhost/rev/api/v1/attachments/att-media/content"}]}""",
            await media.Content.ReadAsStringAsync(NativeApi.Token));
        Assert.Equal(HttpStatusCode.NotAcceptable, refused.StatusCode);
    }

    [Fact]
    public async Task An_order_lists_its_attachments()
    {
        using var rev = _world.Rev();

        using var order = await rev.GetAsync("/rev/api/v1/orders/order-att-ai", NativeApi.Token);

        Assert.Equal(
            """{"order_number":"order-att-ai","status":"Complete","attachments":[{"kind":"transcript","name":"deposition.json","id":"att-ai","links":[{"rel":"content","href":"http://localhost/rev/api/v1/attachments/att-ai/content"}]}]}""",
            await order.Content.ReadAsStringAsync(NativeApi.Token));
    }

    [Fact]
    public async Task The_path_base_comes_from_configuration()
    {
        await using var app = new AttacheApp(new Dictionary<string, string?> { ["Attache:Dialects:RevLegal:PathBase"] = "/legal" });
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Rev", "a:b");

        using var moved = await client.GetAsync("/legal/api/v1/attachments/x/content", NativeApi.Token);
        using var old = await client.GetAsync("/rev/api/v1/attachments/x/content", NativeApi.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, moved.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
    }
}
