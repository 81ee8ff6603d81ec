using System.Buffers.Text;
using System.Text;
using Attache.Core.Audit;
using Attache.Core.Documents;
using Attache.Core.Links;
using Attache.Core.Principals;
using Attache.Core.Tests.Fakes;

namespace Attache.Core.Tests;

public sealed class LinkServiceTests : IAsyncLifetime
{
    private static readonly RequestOrigin Origin = new("192.0.2.7", "curl/8.5", "corr-42");

    private readonly CoreServices _core = new();
    private string _fileId = "";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice", Acl: Acl.Shared));
        _fileId = (await _core.UploadAsync("doc", [1, 2, 3], "one.txt", index: 0)).Id;
    }

    public ValueTask DisposeAsync()
    {
        _core.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<IssuedLink> IssueAsync(long? ttlSeconds = null, Caller? caller = null)
    {
        var issued = await _core.Links.IssueAsync(caller ?? Callers.Viewer, _fileId, ttlSeconds, Token);
        Assert.Null(issued.Failure);
        return issued.Value;
    }

    private async Task<Failure?> ResolveFailureAsync(string token) => (await _core.Links.ResolveAsync(token, Origin, Token)).Failure;

    [Fact]
    public async Task A_viewer_gets_a_link_to_the_current_version_for_an_hour_by_default_and_it_is_audited()
    {
        _core.Clock.Advance(TimeSpan.FromMilliseconds(700));
        var viewer = Callers.Viewer with { Origin = Origin };

        var link = await IssueAsync(caller: viewer);

        Assert.Equal(CoreServices.Start.AddHours(1), link.ExpiresAt);
        Assert.Equal((_fileId, 1, "doc"), (link.FileId, link.Version, link.DocumentId));
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([1, 2, 3]))[..16];
        Assert.Equal(new LinkClaims(_fileId, 1, link.ExpiresAt, "k2", digest), _core.Signer.Verify(link.Token));
        var audited = Assert.Single(_core.AuditLog.Of(AuditActions.Link));
        Assert.Equal(("bob", "doc", _fileId, 1, AuditResults.Ok), (audited.Principal, audited.DocumentId, audited.FileId, audited.Version, audited.Result));
        Assert.Equal(("192.0.2.7", "curl/8.5", "corr-42"), (audited.ClientAddress, audited.UserAgent, audited.CorrelationId));
        Assert.DoesNotContain(link.Token, audited.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_is_url_safe_and_bounded()
    {
        var link = await IssueAsync();

        Assert.All(link.Token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.', $"'{c}' is not URL-safe"));
        Assert.Equal(link.Token, Uri.EscapeDataString(link.Token));
        Assert.InRange(link.Token.Length, 40, HmacLinkSigner.MaxTokenLength);
    }

    [Fact]
    public async Task A_stranger_is_told_the_file_does_not_exist_and_the_refusal_is_audited()
    {
        var outcome = await _core.Links.IssueAsync(Callers.Stranger, _fileId, null, Token);

        Assert.IsType<Failure.NotFound>(outcome.Failure);
        var denied = Assert.Single(_core.AuditLog.Of(AuditActions.Denied));
        Assert.Equal(("mallory", "doc", _fileId, "view", "NotFound"), (denied.Principal, denied.DocumentId, denied.FileId, denied.Detail, denied.Result));
        Assert.Empty(_core.AuditLog.Of(AuditActions.Link));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(604_801L)]
    [InlineData(long.MaxValue)]
    public async Task A_lifetime_outside_one_second_to_the_maximum_is_invalid_naming_the_field(long ttlSeconds)
    {
        var outcome = await _core.Links.IssueAsync(Callers.Viewer, _fileId, ttlSeconds, Token);

        Assert.Equal("ttlSeconds", Assert.IsType<Failure.Invalid>(outcome.Failure).Field);
    }

    [Fact]
    public async Task The_maximum_lifetime_itself_is_allowed()
    {
        var link = await IssueAsync(604_800);

        Assert.Equal(CoreServices.Start.AddDays(7), link.ExpiresAt);
    }

    [Fact]
    public async Task A_link_pins_the_version_current_when_it_was_issued()
    {
        var link = await IssueAsync();
        await _core.UploadAsync("doc", [4, 5, 6, 7], "two.txt", index: 0);

        var plan = (await _core.Links.ResolveAsync(link.Token, Origin, Token)).Value;

        Assert.Equal((_fileId, 1, 3L, "one.txt"), (plan.FileId, plan.Version, plan.Length, plan.FileName));
        Assert.Equal(new DownloadAuditView(null, "doc", Origin), new DownloadAuditView(plan.Audit!.Principal, plan.Audit.DocumentId, plan.Audit.Origin));
        Assert.StartsWith("link k2 expiring ", plan.Audit.Detail, StringComparison.Ordinal);
    }

    private sealed record DownloadAuditView(string? Principal, string? DocumentId, RequestOrigin? Origin);

    [Fact]
    public async Task A_link_works_until_its_last_second_and_is_gone_from_its_expiry_on()
    {
        var link = await IssueAsync(60);

        _core.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(await ResolveFailureAsync(link.Token));
        _core.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.IsType<Failure.Gone>(await ResolveFailureAsync(link.Token));
        _core.Clock.Advance(TimeSpan.FromDays(30));
        Assert.IsType<Failure.Gone>(await ResolveFailureAsync(link.Token));
    }

    [Fact]
    public async Task A_removed_file_or_a_deleted_document_makes_a_live_link_not_found()
    {
        var link = await IssueAsync();
        await _core.Files.RemoveAsync(Callers.Admin, _fileId, Token);
        Assert.IsType<Failure.NotFound>(await ResolveFailureAsync(link.Token));

        await _core.CreateAsync(new NewDocument(Id: "other", Owner: "alice"));
        var other = await _core.UploadAsync("other", [9], index: 0);
        var otherLink = (await _core.Links.IssueAsync(Callers.Owner, other.Id, null, Token)).Value;
        await _core.Documents.DeleteAsync(Callers.Owner, "other", purge: false, Token);
        Assert.IsType<Failure.NotFound>(await ResolveFailureAsync(otherLink.Token));
    }

    [Fact]
    public async Task An_admin_gets_no_link_to_a_removed_file()
    {
        await _core.Files.RemoveAsync(Callers.Admin, _fileId, Token);

        Assert.IsType<Failure.NotFound>((await _core.Links.IssueAsync(Callers.Admin, _fileId, null, Token)).Failure);
    }

    [Fact]
    public async Task Changing_any_one_character_of_a_token_makes_it_forbidden()
    {
        var token = (await IssueAsync()).Token;
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        for (var i = 0; i < token.Length; i++)
        {
            foreach (var replacement in new[] { alphabet[(alphabet.IndexOf(token[i], StringComparison.Ordinal) + 1) % alphabet.Length], char.ToUpperInvariant(token[i]) == token[i] ? char.ToLowerInvariant(token[i]) : char.ToUpperInvariant(token[i]) })
            {
                if (replacement == token[i] || token[i] == '.')
                {
                    continue;
                }

                var tampered = token[..i] + replacement + token[(i + 1)..];
                Assert.IsType<Failure.Forbidden>(await ResolveFailureAsync(tampered));
            }
        }

        Assert.Null(await ResolveFailureAsync(token));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("version")]
    [InlineData("expiry")]
    [InlineData("key")]
    [InlineData("digest")]
    public async Task A_payload_with_another_file_version_expiry_or_key_under_the_original_signature_is_forbidden(string field)
    {
        var token = (await IssueAsync()).Token;
        var (payload, mac) = (token[..token.IndexOf('.', StringComparison.Ordinal)], token[(token.IndexOf('.', StringComparison.Ordinal) + 1)..]);
        var lines = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(payload)).Split('\n');
        var index = field switch { "key" => 1, "file" => 2, "version" => 3, "digest" => 5, _ => 4 };
        lines[index] = field switch { "key" => "k1", "file" => "2", "version" => "2", "digest" => "0123456789abcdef", _ => (long.Parse(lines[4], System.Globalization.CultureInfo.InvariantCulture) + 86_400).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var forged = Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Join('\n', lines))) + "." + mac;

        Assert.IsType<Failure.Forbidden>(await ResolveFailureAsync(forged));
    }

    [Fact]
    public async Task A_token_signed_with_a_key_this_server_does_not_hold_is_forbidden()
    {
        var stranger = new HmacLinkSigner(new LinkKeyRing(new Dictionary<string, byte[]> { ["k9"] = new byte[32] }, "k9"));
        var sameIdOtherKey = new HmacLinkSigner(new LinkKeyRing(new Dictionary<string, byte[]> { ["k2"] = new byte[32] }, "k2"));
        var claims = new LinkClaims(_fileId, 1, CoreServices.Start.AddHours(1));

        Assert.IsType<Failure.Forbidden>(await ResolveFailureAsync(stranger.Sign(claims)));
        Assert.IsType<Failure.Forbidden>(await ResolveFailureAsync(sameIdOtherKey.Sign(claims)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("a.b")]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    [InlineData("YTE.")]
    [InlineData(".YTE")]
    [InlineData("YTE=.YTE=")]
    [InlineData("YT E.YTE")]
    [InlineData("ÿÿÿÿ.ÿÿÿÿ")]
    [InlineData("%2e%2e")]
    [InlineData("YTEKazIKMQoxCjk5OTk5OTk5OTk.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Garbage_is_forbidden_and_never_throws(string token)
    {
        Assert.IsType<Failure.Forbidden>(await ResolveFailureAsync(token));
    }

    [Fact]
    public async Task An_overlong_token_is_forbidden_before_it_is_decoded()
    {
        Assert.IsType<Failure.Forbidden>(await ResolveFailureAsync(new string('A', 100_000) + "." + new string('A', 43)));
    }

    [Fact]
    public async Task A_token_issued_before_links_named_their_digest_still_downloads_its_version()
    {
        var token = _core.Signer.Sign(new LinkClaims(_fileId, 1, CoreServices.Start.AddHours(1)));
        var payload = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.', StringComparison.Ordinal))));

        Assert.StartsWith("a1\n", payload, StringComparison.Ordinal);
        Assert.Equal(5, payload.Split('\n').Length);
        var plan = await _core.Links.ResolveAsync(token, Origin, Token);
        Assert.Equal((_fileId, 1), (plan.Value.FileId, plan.Value.Version));
    }

    [Fact]
    public async Task A_genuine_token_that_claims_more_than_the_maximum_lifetime_is_forbidden()
    {
        var token = _core.Signer.Sign(new LinkClaims(_fileId, 1, CoreServices.Start.AddDays(8)));

        Assert.IsType<Failure.Forbidden>(await ResolveFailureAsync(token));
    }

    [Fact]
    public async Task Bad_and_expired_tokens_are_refused_without_reading_the_database()
    {
        var good = (await IssueAsync(60)).Token;
        var untouchable = System.Reflection.DispatchProxy.Create<Ports.IMetadataStore, NoReads>();
        var links = new LinkService(untouchable, _core.Files, _core.Signer, _core.LinkLifetimes, _core.Audit, _core.Clock);

        Assert.IsType<Failure.Forbidden>((await links.ResolveAsync(good[..^2] + "AA", Origin, Token)).Failure);
        _core.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.IsType<Failure.Gone>((await links.ResolveAsync(good, Origin, Token)).Failure);
    }

    public class NoReads : System.Reflection.DispatchProxy
    {
        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"{targetMethod?.Name} was called before the token was verified.");
    }

    [Fact]
    public void A_token_signed_with_the_old_key_still_verifies_once_a_new_key_signs()
    {
        var old = new HmacLinkSigner(new LinkKeyRing(new Dictionary<string, byte[]> { ["k1"] = Enumerable.Repeat((byte)1, 32).ToArray() }, "k1"));
        var claims = new LinkClaims(_fileId, 1, CoreServices.Start.AddHours(1));
        var token = old.Sign(claims);

        Assert.Equal(claims with { KeyId = "k1" }, _core.Signer.Verify(token));
        Assert.StartsWith("k2", _core.Signer.Verify(_core.Signer.Sign(claims))!.KeyId, StringComparison.Ordinal);
        var withoutOld = new HmacLinkSigner(new LinkKeyRing(new Dictionary<string, byte[]> { ["k2"] = Enumerable.Repeat((byte)2, 32).ToArray() }, "k2"));
        Assert.Null(withoutOld.Verify(token));
    }

    [Fact]
    public async Task A_file_that_is_not_ready_gets_no_link()
    {
        await using var broken = new BrokenStream(bytesBeforeFailure: 1);
        await Assert.ThrowsAsync<IOException>(() =>
            _core.Files.UploadAsync(Callers.Owner, new Files.UploadRequest("doc", "file", 0, null, null, broken), Token));

        var outcome = await _core.Links.IssueAsync(Callers.Viewer, _fileId, null, Token);

        Assert.IsType<Failure.NotReady>(outcome.Failure);
    }

    [Fact]
    public void Keys_shorter_than_32_bytes_or_with_bad_ids_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new LinkKeyRing(new Dictionary<string, byte[]> { ["k"] = new byte[31] }, "k"));
        Assert.Throws<ArgumentException>(() => new LinkKeyRing(new Dictionary<string, byte[]> { ["a.b"] = new byte[32] }, "a.b"));
        Assert.Throws<ArgumentException>(() => new LinkKeyRing(new Dictionary<string, byte[]> { ["k"] = new byte[32] }, "other"));
    }
}
