using System.Text.Json;

namespace Attache.Server.Tests.Dialects.DocumentApi;

/// <summary><c>POST /generate-client-auth-token</c>: what it requires, and what a client may and may not do with users.</summary>
public sealed class DocumentApiTokenTests(DocumentApiWorld world) : IClassFixture<DocumentApiWorld>
{
    private static string Body(
        string? clientId = "your-client-id", string? secret = "your-client-secret", string? fingerprint = "fp-1",
        string? email = "john.doe@example.com", string? group = "my-domain", bool withUser = true) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["fingerprint"] = fingerprint,
            ["user"] = withUser ? new Dictionary<string, object?> { ["first_name"] = "John", ["last_name"] = "Doe", ["email"] = email, ["group_name"] = group } : null,
        });

    public static TheoryData<string, string> MissingFields => new()
    {
        { Body(clientId: null), "Client ID is required" },
        { Body(clientId: ""), "Client ID is required" },
        { Body(secret: null), "Client secret is required" },
        { Body(fingerprint: " "), "Fingerprint is required" },
        { Body(withUser: false), "User is required" },
        { Body(email: null), "User email is required" },
        { """{"client_id":1,"client_secret":"your-client-secret","fingerprint":"f","user":{"email":"a@b.c"}}""", "Client ID is required" },
        { "{}", "Client ID is required" },
    };

    [Theory]
    [MemberData(nameof(MissingFields))]
    public async Task Missing_fields_are_435_naming_the_first(string body, string message)
    {
        using var response = await world.PostAsync("/docapi/generate-client-auth-token", body);

        await response.AssertErrorAsync(435, message);
    }

    [Theory]
    [InlineData("your-client-id", "wrong-secret")]
    [InlineData("no-such-client", "your-client-secret")]
    [InlineData("other-client-id", "your-client-secret")]
    public async Task Wrong_client_credentials_are_403(string clientId, string secret)
    {
        using var response = await world.PostAsync("/docapi/generate-client-auth-token", Body(clientId, secret));

        await response.AssertErrorAsync(403, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_malformed_email_is_436_in_the_guidelines_words()
    {
        using var response = await world.PostAsync("/docapi/generate-client-auth-token", Body(email: "not-an-email"));

        await response.AssertErrorAsync(436, "1. Invalid email format in user.email");
    }

    [Theory]
    [InlineData("boss@example.com", "my-domain")]
    [InlineData("ALICE@example.com", "my-domain")]
    [InlineData("john.doe@example.com", "other-domain")]
    [InlineData("john.doe@example.com", "admin")]
    public async Task A_client_may_not_take_over_principals_it_did_not_create_or_grant_groups_it_lacks(string email, string group)
    {
        using var response = await world.PostAsync("/docapi/generate-client-auth-token", Body(email: email, group: group));

        await response.AssertErrorAsync(407, "ACCESS_DENIED");
    }

    [Fact]
    public async Task A_client_may_not_take_over_another_clients_user()
    {
        await world.TokenAsync(email: "shared@example.com", group: "other-domain", clientId: "other-client-id", secret: "other-client-secret");

        using var response = await world.PostAsync("/docapi/generate-client-auth-token", Body(email: "shared@example.com"));

        await response.AssertErrorAsync(407, "ACCESS_DENIED");
    }

    [Fact]
    public async Task A_native_user_keeps_their_groups_and_documents_when_a_client_names_their_email()
    {
        using var refused = await world.PostAsync("/docapi/generate-client-auth-token", Body(email: "alice@example.com"));
        using var admin = world.App.CreateAdminClient();
        var alice = JsonDocument.Parse(await admin.GetStringAsync("/v1/principals/alice", DocumentApiWorld.Token)).RootElement;

        Assert.Equal(407, (int)refused.StatusCode);
        Assert.Equal("alice", alice.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Guessing_a_clients_secret_is_throttled_with_429_and_retry_after()
    {
        HttpResponseMessage? last = null;
        for (var i = 0; i < 21; i++)
        {
            last?.Dispose();
            last = await world.PostAsync("/docapi/generate-client-auth-token", Body(clientId: "guessed-client-id", secret: "guess-" + i));
        }

        using var throttled = last!;
        Assert.NotNull(throttled.Headers.RetryAfter);
        await throttled.AssertErrorAsync(429, "TOO_MANY_REQUESTS");
    }
}
