using System.Net;
using Attache.Client;
using Attache.Server.Tests.Import;
using static Attache.Server.Tests.Dialects.Chat.ChatWorld;

namespace Attache.Server.Tests.Dialects.Chat;

public sealed class ChatSampleTests : IAsyncLifetime
{
    private readonly AttacheApp _app = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        using var admin = _app.CreateAdminClient();
        await new AttacheClient(admin).ImportAsync(Samples.Demo, Token);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_demos_chat_user_is_in_room_6_and_reaches_message_42s_photo_which_others_cannot_see()
    {
        using var chat = await _app.SignInAsync("chat-user", "chat-demo-password");

        var photo = await chat.MetadataAsync(77);
        Assert.Equal((6, 42, "photo.png"), (photo.GetProperty("roomId").GetInt64(), photo.GetProperty("textMessageId").GetInt64(), photo.GetProperty("fileName").GetString()));
        using var download = await chat.GetAsync("/chat/api/v1/attachments/77/photo.png", Token);
        Assert.Equal(Samples.ExpectedBytes()["77"], await download.Content.ReadAsByteArrayAsync(Token));

        using var sarah = await _app.SignInAsync("sarah", "sarah-demo-password");
        using var refused = await sarah.GetAsync("/chat/api/v1/attachments/77", Token);
        await refused.AssertErrorAsync(HttpStatusCode.NotFound, AttachmentNotFound);
    }
}
