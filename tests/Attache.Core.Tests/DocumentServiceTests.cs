using Attache.Core.Audit;
using Attache.Core.Documents;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Attache.Core.Tests.Fakes;

namespace Attache.Core.Tests;

public sealed class DocumentServiceTests : IDisposable
{
    private readonly CoreServices _core = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_document_created_with_an_id_keeps_it_and_is_stamped_with_the_clock()
    {
        var created = await _core.Documents.CreateAsync(Callers.Owner, new NewDocument(Id: "contract-7", Title: "Contract"), Token);

        var document = created.Value;
        Assert.Equal("contract-7", document.Id);
        Assert.Equal("Contract", document.Title);
        Assert.Equal(DocumentKinds.Generic, document.Kind);
        Assert.Equal("alice", document.Owner);
        Assert.Equal(CoreServices.Start, document.Created);
        Assert.Equal(CoreServices.Start, document.Modified);
        Assert.Null(document.Deleted);
        Assert.Equal(document, await _core.Metadata.FindDocumentAsync("contract-7", Token));
    }

    [Fact]
    public async Task A_document_created_without_an_id_gets_a_guid()
    {
        var document = (await _core.Documents.CreateAsync(Callers.Owner, new NewDocument(), Token)).Value;

        Assert.True(Guid.TryParseExact(document.Id, "D", out _));
        Assert.NotNull(await _core.Metadata.FindDocumentAsync(document.Id, Token));
    }

    [Fact]
    public async Task Creating_an_existing_id_is_a_conflict_that_leaves_the_first_untouched()
    {
        var first = await _core.CreateAsync(new NewDocument(Id: "dup", Title: "first"));
        _core.Clock.Advance(TimeSpan.FromMinutes(1));

        var second = await _core.Documents.CreateAsync(Callers.Admin, new NewDocument(Id: "dup", Title: "second"), Token);

        Assert.IsType<Failure.Conflict>(second.Failure);
        Assert.Equal(first, await _core.Metadata.FindDocumentAsync("dup", Token));
    }

    public static TheoryData<NewDocument, string> InvalidInputs => new()
    {
        { new NewDocument(Id: ".hidden"), "id" },
        { new NewDocument(Id: new string('a', 129)), "id" },
        { new NewDocument(Kind: "not a word"), "kind" },
        { new NewDocument(Kind: ""), "kind" },
        { new NewDocument(Title: "line\nbreak"), "title" },
        { new NewDocument(Title: "bell\u0007"), "title" },
        { new NewDocument(Title: new string('t', 1025)), "title" },
        { new NewDocument(State: "in review"), "state" },
        { new NewDocument(Folder: "../up"), "folder" },
        { new NewDocument(SourceUrl: "file:///etc/passwd"), "sourceUrl" },
        { new NewDocument(SourceUrl: "javascript:alert(1)"), "sourceUrl" },
        { new NewDocument(SourceUrl: "/relative/path"), "sourceUrl" },
        { new NewDocument(Properties: new Dictionary<string, string> { [""] = "x" }), "properties" },
        { new NewDocument(Properties: new Dictionary<string, string> { ["k"] = new string('v', 8193) }), "properties.k" },
        { new NewDocument(Acl: [new AclEntry("bob", "legal", [Permissions.View])]), "acl[0]" },
        { new NewDocument(Acl: [new AclEntry("bob", null, [Permissions.View]), new AclEntry(null, null, [Permissions.View])]), "acl[1]" },
        { new NewDocument(Acl: [new AclEntry("bob", null, ["read"])]), "acl[0].permissions" },
        { new NewDocument(Attributes: [new AttributeDefinition("fi.file", "file", false, "W")]), "attributes[0].id" },
        { new NewDocument(Attributes: [new AttributeDefinition("fi_file", "no type", false, "W")]), "attributes[0].type" },
        { new NewDocument(Attributes: [new AttributeDefinition("fi_file", "file", false, "w")]), "attributes[0].visibility" },
        { new NewDocument(Attributes: [new AttributeDefinition("fi_file", "file", false, "WR")]), "attributes[0].visibility" },
        // Callers outside the server can still hand in nulls that the types do not admit.
        { new NewDocument(Properties: new Dictionary<string, string> { ["k"] = null! }), "properties.k" },
        { new NewDocument(Acl: [null!]), "acl[0]" },
        { new NewDocument(Acl: [new AclEntry("bob", null, null!)]), "acl[0].permissions" },
        { new NewDocument(Acl: [new AclEntry("bob", null, [null!])]), "acl[0].permissions" },
        { new NewDocument(Attributes: [null!]), "attributes[0]" },
        { new NewDocument(Attributes: [new AttributeDefinition(null!, "file", false, "W")]), "attributes[0].id" },
        { new NewDocument(Attributes: [new AttributeDefinition("fi_file", null!, false, "W")]), "attributes[0].type" },
        { new NewDocument(Attributes: [new AttributeDefinition("fi_file", "file", false, null!)]), "attributes[0].visibility" },
    };

    [Theory]
    [MemberData(nameof(InvalidInputs))]
    public async Task Invalid_input_is_refused_naming_the_field_and_nothing_is_stored(NewDocument input, string field)
    {
        var created = await _core.Documents.CreateAsync(Callers.Admin, input with { Id = input.Id ?? "candidate" }, Token);

        var invalid = Assert.IsType<Failure.Invalid>(created.Failure);
        Assert.Equal(field, invalid.Field);
        Assert.Empty(await _core.Metadata.ListDocumentsAsync(new DocumentQuery(IncludeDeleted: true), Token));
    }

    [Theory]
    [InlineData("http://example.com/a")]
    [InlineData("https://example.com/a?b=c")]
    public async Task Web_source_urls_are_accepted(string url)
    {
        var created = await _core.Documents.CreateAsync(Callers.Owner, new NewDocument(SourceUrl: url), Token);

        Assert.Equal(url, created.Value.SourceUrl);
    }

    [Fact]
    public async Task A_non_admin_may_not_create_a_document_for_another_owner()
    {
        var created = await _core.Documents.CreateAsync(Callers.Owner, new NewDocument(Id: "x", Owner: "bob"), Token);

        Assert.IsType<Failure.Forbidden>(created.Failure);
        Assert.Null(await _core.Metadata.FindDocumentAsync("x", Token));
    }

    [Fact]
    public async Task An_admin_may_create_a_document_for_another_owner()
    {
        var created = await _core.Documents.CreateAsync(Callers.Admin, new NewDocument(Id: "x", Owner: "bob"), Token);

        Assert.Equal("bob", created.Value.Owner);
    }

    [Fact]
    public async Task An_update_merges_properties_removes_null_ones_and_keeps_unnamed_fields()
    {
        await _core.CreateAsync(new NewDocument(
            Id: "doc", Title: "Old", Owner: "alice", State: "draft", Folder: "inbox",
            Properties: new Dictionary<string, string> { ["keep"] = "1", ["change"] = "2", ["drop"] = "3" }));
        _core.Clock.Advance(TimeSpan.FromMinutes(5));

        var patch = new DocumentPatch(Title: "New", Properties: new Dictionary<string, string?> { ["change"] = "two", ["drop"] = null, ["add"] = "4" });
        var updated = (await _core.Documents.UpdateAsync(Callers.Owner, "doc", patch, Token)).Value;

        Assert.Equal("New", updated.Title);
        Assert.Equal("draft", updated.State);
        Assert.Equal("inbox", updated.Folder);
        Assert.Equal(
            new Dictionary<string, string> { ["keep"] = "1", ["change"] = "two", ["add"] = "4" },
            updated.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
        Assert.Equal(CoreServices.Start, updated.Created);
        Assert.Equal(CoreServices.Start.AddMinutes(5), updated.Modified);
        Assert.Equal(updated, await _core.Metadata.FindDocumentAsync("doc", Token));
    }

    [Fact]
    public async Task An_invalid_update_is_refused_and_the_document_stays_as_it_was()
    {
        var original = await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice"));

        var updated = await _core.Documents.UpdateAsync(Callers.Owner, "doc", new DocumentPatch(SourceUrl: "javascript:alert(1)"), Token);

        Assert.Equal("sourceUrl", Assert.IsType<Failure.Invalid>(updated.Failure).Field);
        Assert.Equal(original, await _core.Metadata.FindDocumentAsync("doc", Token));
    }

    [Fact]
    public async Task Only_callers_with_edit_may_update()
    {
        await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice", Acl: Acl.Shared));
        var patch = new DocumentPatch(Title: "t");

        Assert.IsType<Failure.Forbidden>((await _core.Documents.UpdateAsync(Callers.Viewer, "doc", patch, Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _core.Documents.UpdateAsync(Callers.Stranger, "doc", patch, Token)).Failure);
        Assert.True((await _core.Documents.UpdateAsync(Callers.GroupMember, "doc", patch, Token)).Succeeded);
    }

    [Fact]
    public async Task Only_callers_with_admin_on_the_document_may_replace_its_acl_and_a_change_is_audited()
    {
        await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice", Acl: Acl.Shared));
        var patch = new DocumentPatch(Acl: [new(null, "sales", [Permissions.View])]);

        Assert.IsType<Failure.Forbidden>((await _core.Documents.UpdateAsync(Callers.GroupMember, "doc", patch, Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _core.Documents.UpdateAsync(Callers.Stranger, "doc", patch, Token)).Failure);
        Assert.Equal(Acl.Shared, (await _core.Metadata.FindDocumentAsync("doc", Token))!.Acl);
        Assert.Empty(_core.AuditLog.Of(AuditActions.Acl));

        var changed = await _core.Documents.UpdateAsync(Callers.Owner, "doc", patch, Token);

        Assert.Equal(patch.Acl, changed.Value.Acl);
        Assert.Null(AccessControl.Check(Callers.Stranger, (await _core.Metadata.FindDocumentAsync("doc", Token))!, Permissions.View));
        Assert.Equal("alice", Assert.Single(_core.AuditLog.Of(AuditActions.Acl)).Principal);
    }

    [Fact]
    public async Task Updating_a_deleted_document_is_gone_for_an_admin_and_not_found_for_its_owner()
    {
        await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice"));
        Assert.True((await _core.Documents.DeleteAsync(Callers.Owner, "doc", purge: false, Token)).Succeeded);

        var patch = new DocumentPatch(Title: "t");
        Assert.IsType<Failure.Gone>((await _core.Documents.UpdateAsync(Callers.Admin, "doc", patch, Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _core.Documents.UpdateAsync(Callers.Owner, "doc", patch, Token)).Failure);
    }

    [Fact]
    public async Task Delete_is_soft_and_keeps_the_files_until_a_purge()
    {
        await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice"));
        var file = await _core.UploadAsync("doc", [1, 2, 3]);
        _core.Clock.Advance(TimeSpan.FromHours(1));

        var deleted = (await _core.Documents.DeleteAsync(Callers.Owner, "doc", purge: false, Token)).Value;

        Assert.Equal(CoreServices.Start.AddHours(1), deleted.Deleted);
        Assert.Equal(CoreServices.Start.AddHours(1), deleted.Modified);
        Assert.IsType<Failure.NotFound>((await _core.Documents.GetAsync(Callers.Owner, "doc", Token)).Failure);
        Assert.Equal(deleted, (await _core.Documents.GetAsync(Callers.Admin, "doc", Token)).Value);
        Assert.Single(await _core.Metadata.ListVersionsAsync(file.Id, Token));
        Assert.Equal([file.Sha256], _core.Blobs.Keys);
    }

    [Fact]
    public async Task Purge_drops_versions_and_bytes_no_other_document_uses()
    {
        await _core.CreateAsync(new NewDocument(Id: "doc"));
        await _core.CreateAsync(new NewDocument(Id: "other"));
        var shared = await _core.UploadAsync("doc", [1, 2, 3]);
        var own = await _core.UploadAsync("doc", [4, 5, 6], slot: "extra");
        await _core.UploadAsync("other", [1, 2, 3]);
        _core.Clock.Advance(TimeSpan.FromHours(1));

        var deleted = (await _core.Documents.DeleteAsync(Callers.Admin, "doc", purge: true, Token)).Value;

        Assert.Equal(CoreServices.Start.AddHours(1), deleted.Deleted);
        Assert.Empty(await _core.Metadata.ListVersionsAsync(shared.Id, Token));
        Assert.Empty(await _core.Metadata.ListVersionsAsync(own.Id, Token));
        Assert.Equal([shared.Sha256], _core.Blobs.Keys);
    }

    [Fact]
    public async Task Purging_an_already_deleted_document_keeps_its_deletion_time()
    {
        await _core.CreateAsync(new NewDocument(Id: "doc"));
        await _core.UploadAsync("doc", [1]);
        await _core.Documents.DeleteAsync(Callers.Admin, "doc", purge: false, Token);
        _core.Clock.Advance(TimeSpan.FromDays(1));

        var purged = (await _core.Documents.DeleteAsync(Callers.Admin, "doc", purge: true, Token)).Value;

        Assert.Equal(CoreServices.Start, purged.Deleted);
        Assert.Empty(_core.Blobs.Keys);
    }

    [Fact]
    public async Task Only_callers_with_delete_may_delete()
    {
        await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice", Acl: Acl.Shared));

        Assert.IsType<Failure.Forbidden>((await _core.Documents.DeleteAsync(Callers.GroupMember, "doc", false, Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _core.Documents.DeleteAsync(Callers.Stranger, "doc", false, Token)).Failure);
        Assert.Null((await _core.Metadata.FindDocumentAsync("doc", Token))!.Deleted);
    }

    [Fact]
    public async Task A_page_holds_only_visible_documents_and_its_cursor_continues_after_the_last_one()
    {
        // a..j in id order; carol sees a, c and g (her own) and d and i (shared with her group legal).
        foreach (var (id, owner) in new[] { ("a", "carol"), ("b", "zed"), ("c", "carol"), ("d", "zed"), ("e", "zed"), ("f", "zed"), ("g", "carol"), ("h", "zed"), ("i", "zed"), ("j", "zed") })
        {
            var acl = id is "d" or "i" ? Acl.Shared : [];
            await _core.CreateAsync(new NewDocument(Id: id, Owner: owner, Acl: acl));
        }

        var pages = await AllPagesAsync(Callers.GroupMember, limit: 2);

        Assert.Equal([["a", "c"], ["d", "g"], ["i"]], pages.Select(p => p.Items.Select(d => d.Id).ToArray()).ToArray());
        Assert.Equal(["c", "g", null], pages.Select(p => p.NextCursor).ToArray());
    }

    [Fact]
    public async Task A_page_whose_last_visible_item_is_followed_only_by_invisible_ones_is_the_last_page()
    {
        foreach (var (id, owner) in new[] { ("a", "alice"), ("b", "alice"), ("c", "zed"), ("d", "zed"), ("e", "zed") })
        {
            await _core.CreateAsync(new NewDocument(Id: id, Owner: owner));
        }

        var page = (await _core.Documents.ListAsync(Callers.Owner, new DocumentQuery(Limit: 2), Token)).Value;

        Assert.Equal(["a", "b"], page.Items.Select(d => d.Id));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task A_page_that_fills_at_the_end_of_a_batch_still_finds_the_next_visible_item()
    {
        // limit 2 reads batches of 3: [a b c] fills the page with c, the next visible item e is in the next batch.
        foreach (var (id, owner) in new[] { ("a", "alice"), ("b", "zed"), ("c", "alice"), ("d", "zed"), ("e", "alice") })
        {
            await _core.CreateAsync(new NewDocument(Id: id, Owner: owner));
        }

        var pages = await AllPagesAsync(Callers.Owner, limit: 2);

        Assert.Equal([["a", "c"], ["e"]], pages.Select(p => p.Items.Select(d => d.Id).ToArray()).ToArray());
        Assert.Equal(["c", null], pages.Select(p => p.NextCursor).ToArray());
    }

    [Fact]
    public async Task Deleted_documents_are_listed_only_for_an_admin_who_asks()
    {
        await _core.CreateAsync(new NewDocument(Id: "a", Owner: "alice"));
        await _core.CreateAsync(new NewDocument(Id: "b", Owner: "alice"));
        await _core.Documents.DeleteAsync(Callers.Admin, "a", false, Token);

        async Task<string[]> Ids(Caller caller, bool includeDeleted) =>
            (await _core.Documents.ListAsync(caller, new DocumentQuery(IncludeDeleted: includeDeleted), Token)).Value.Items.Select(d => d.Id).ToArray();

        Assert.Equal(["b"], await Ids(Callers.Owner, includeDeleted: true));
        Assert.Equal(["b"], await Ids(Callers.Admin, includeDeleted: false));
        Assert.Equal(["a", "b"], await Ids(Callers.Admin, includeDeleted: true));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task A_limit_outside_1_to_1000_is_invalid(int limit)
    {
        var listed = await _core.Documents.ListAsync(Callers.Owner, new DocumentQuery(Limit: limit), Token);

        Assert.Equal("limit", Assert.IsType<Failure.Invalid>(listed.Failure).Field);
    }

    [Fact]
    public async Task A_malformed_cursor_is_invalid()
    {
        var listed = await _core.Documents.ListAsync(Callers.Owner, new DocumentQuery(After: "../x"), Token);

        Assert.Equal("cursor", Assert.IsType<Failure.Invalid>(listed.Failure).Field);
    }

    private async Task<List<DocumentPage>> AllPagesAsync(Caller caller, int limit)
    {
        var pages = new List<DocumentPage>();
        string? cursor = null;
        do
        {
            var page = (await _core.Documents.ListAsync(caller, new DocumentQuery(After: cursor, Limit: limit), Token)).Value;
            pages.Add(page);
            cursor = page.NextCursor;
            Assert.True(pages.Count < 20, "The cursor does not advance.");
        }
        while (cursor is not null);

        return pages;
    }
}
