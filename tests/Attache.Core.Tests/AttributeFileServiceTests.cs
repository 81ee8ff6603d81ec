using Attache.Core.Audit;
using Attache.Core.Documents;
using Attache.Core.Tests.Fakes;

namespace Attache.Core.Tests;

public sealed class AttributeFileServiceTests : IAsyncLifetime
{
    private readonly CoreServices _core = new();
    private AttributeFileService _service = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _service = new AttributeFileService(_core.Metadata, _core.Audit);
        await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice", Acl: Acl.Shared, Attributes:
        [
            new AttributeDefinition("fi_file", "file", false, "W"),
            new AttributeDefinition("fi_secret", "file", false, AttributeVisibility.Invisible),
            new AttributeDefinition("fi_many", "image", true, "R"),
        ]));
    }

    public ValueTask DisposeAsync()
    {
        _core.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_view_knows_nothing_of_invisible_attributes()
    {
        var view = (await _service.OpenAsync(Callers.Viewer, "doc", Token)).Value;

        Assert.Equal(["fi_file", "fi_many"], view.VisibleAttributes.Select(a => a.Id));
        Assert.Null(view.FindAttribute("fi_secret"));
    }

    [Fact]
    public async Task An_invisible_attribute_and_its_file_id_fail_exactly_as_unknown_ones_even_for_an_admin()
    {
        var secret = await _core.UploadAsync("doc", [1], "s.txt", slot: "fi_secret", index: 0);
        var view = (await _service.OpenAsync(Callers.Admin, "doc", Token)).Value;

        var byName = (await _service.ResolveAsync(view, "fi_secret", null, Token)).Failure;
        var byId = (await _service.ResolveAsync(view, secret.Id, null, Token)).Failure;

        Assert.Equal(new Failure.Invalid("Attribute 'fi_secret' of document 'doc' does not exist.", AttributeFileFields.Attribute), byName);
        Assert.Equal(new Failure.Invalid($"Attribute '{secret.Id}' of document 'doc' does not exist.", AttributeFileFields.Attribute), byId);
        Assert.Empty(await _service.ListAsync(view, Token));
    }

    [Fact]
    public async Task A_caller_who_may_not_view_is_refused_and_the_refusal_is_audited()
    {
        var opened = await _service.OpenAsync(Callers.Stranger, "doc", Token);

        Assert.IsType<Failure.Forbidden>(opened.Failure);
        var denied = Assert.Single(_core.AuditLog.Of(AuditActions.Denied));
        Assert.Equal(("mallory", "doc", "view"), (denied.Principal, denied.DocumentId, denied.Detail));
    }

    [Fact]
    public async Task A_deleted_document_is_gone_for_an_admin_too_and_a_missing_one_not_found()
    {
        await _core.Documents.DeleteAsync(Callers.Admin, "doc", false, Token);

        Assert.IsType<Failure.Gone>((await _service.OpenAsync(Callers.Admin, "doc", Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _service.OpenAsync(Callers.Admin, "nope", Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _service.OpenAsync(Callers.Admin, "../etc", Token)).Failure);
    }

    [Fact]
    public async Task Indexes_follow_the_attribute_being_multi_valued_or_not()
    {
        var single = await _core.UploadAsync("doc", [1], "a.txt", slot: "fi_file", index: 0);
        var second = await _core.UploadAsync("doc", [2], "b.png", slot: "fi_many", index: 1);
        var view = (await _service.OpenAsync(Callers.Viewer, "doc", Token)).Value;

        Assert.Equal(single.Id, (await _service.ResolveAsync(view, "fi_file", null, Token)).Value.File.Id);
        Assert.Equal(second.Id, (await _service.ResolveAsync(view, "fi_many", 1, Token)).Value.File.Id);
        Assert.Equal(second.Id, (await _service.ResolveAsync(view, second.Id, null, Token)).Value.File.Id);
        Assert.Equal(AttributeFileFields.IndexRequired, ((Failure.Invalid)(await _service.ResolveAsync(view, "fi_many", null, Token)).Failure!).Field);
        Assert.Equal(AttributeFileFields.IndexNotAllowed, ((Failure.Invalid)(await _service.ResolveAsync(view, "fi_file", 0, Token)).Failure!).Field);
        Assert.IsType<Failure.NotFound>((await _service.ResolveAsync(view, "fi_many", 0, Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _service.ResolveAsync(view, "fi_many", 10000, Token)).Failure);
    }

    [Fact]
    public async Task A_removed_file_is_no_longer_held_by_its_attribute()
    {
        var file = await _core.UploadAsync("doc", [1], "a.txt", slot: "fi_file", index: 0);
        await _core.Files.RemoveAsync(Callers.Admin, file.Id, Token);
        var view = (await _service.OpenAsync(Callers.Admin, "doc", Token)).Value;

        Assert.IsType<Failure.NotFound>((await _service.ResolveAsync(view, "fi_file", null, Token)).Failure);
        Assert.Empty(await _service.ListAsync(view, Token));
    }

    [Fact]
    public async Task The_plan_downloads_the_current_version_audited_for_the_caller()
    {
        await _core.UploadAsync("doc", [1, 2, 3], "a.txt", slot: "fi_file", index: 0);
        var view = (await _service.OpenAsync(Callers.Viewer, "doc", Token)).Value;
        var file = (await _service.ResolveAsync(view, "fi_file", null, Token)).Value;

        var plan = (await _service.PlanAsync(file, Token)).Value;

        Assert.Equal((3L, "a.txt", "bob", "doc"), (plan.Length, plan.FileName, plan.Audit!.Principal, plan.Audit.DocumentId));
    }
}
