using Attache.Core;
using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Import;
using Attache.Core.Ports;

namespace Attache.Storage.Tests.Metadata;

/// <summary>What every <see cref="IMetadataStore"/> adapter promises. Each adapter's test class inherits it once.</summary>
public abstract class MetadataStoreContract
{
    // Millisecond precision is what every adapter must keep; some keep more.
    protected static readonly DateTimeOffset T0 = new(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);

    protected abstract IMetadataStore Store { get; }

    /// <summary>The adapter's <see cref="IStaleUploads"/> over the same database as <see cref="Store"/>.</summary>
    protected abstract IStaleUploads StaleUploads { get; }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_created_document_is_found_with_every_field()
    {
        var document = NewDocument("doc-1") with
        {
            Kind = "dictation",
            Title = "Ärztebrief – 1",
            State = "TranscriptionFinished",
            Folder = "archive",
            Properties = new Dictionary<string, string> { ["author"] = "Ada", ["empty"] = "" },
            Attributes = [new AttributeDefinition("fi_file", "file", true, "W")],
            Acl = [new AclEntry("bob", null, [Permissions.View, Permissions.Edit]), new AclEntry(null, "typists", [Permissions.Admin])],
            SourceUrl = "https://example.com/a",
            Modified = T0.AddMilliseconds(1),
        };

        Assert.True(await Store.TryCreateDocumentAsync(document, Token));

        AssertSameDocument(document with { Revision = 1 }, await Store.FindDocumentAsync("doc-1", Token));
    }

    [Fact]
    public async Task A_missing_document_is_not_found()
    {
        Assert.Null(await Store.FindDocumentAsync("nope", Token));
    }

    [Fact]
    public async Task Creating_a_document_with_a_taken_id_answers_false_and_keeps_the_first()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc-1") with { Title = "first" }, Token);

        Assert.False(await Store.TryCreateDocumentAsync(NewDocument("doc-1") with { Title = "second" }, Token));

        Assert.Equal("first", (await Store.FindDocumentAsync("doc-1", Token))?.Title);
    }

    [Fact]
    public async Task Updating_a_document_replaces_it()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc-1") with { Properties = new Dictionary<string, string> { ["a"] = "1" } }, Token);
        var updated = NewDocument("doc-1") with
        {
            Revision = 1,
            Title = "new",
            State = "Done",
            Properties = new Dictionary<string, string> { ["b"] = "2" },
            Modified = T0.AddHours(1),
            Deleted = T0.AddHours(2),
        };

        Assert.True(await Store.UpdateDocumentAsync(updated, Token));

        AssertSameDocument(updated with { Revision = 2 }, await Store.FindDocumentAsync("doc-1", Token));
    }

    [Fact]
    public async Task An_update_from_a_stale_revision_answers_false_and_keeps_the_newer_write()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc-1"), Token);
        var read = (await Store.FindDocumentAsync("doc-1", Token))!;
        Assert.True(await Store.UpdateDocumentAsync(read with { Title = "first writer" }, Token));

        Assert.False(await Store.UpdateDocumentAsync(read with { Title = "second writer", Deleted = T0 }, Token));

        var stored = (await Store.FindDocumentAsync("doc-1", Token))!;
        Assert.Equal("first writer", stored.Title);
        Assert.Null(stored.Deleted);
        Assert.Equal(2, stored.Revision);
    }

    [Fact]
    public async Task A_new_file_whose_id_is_taken_answers_false_and_leaves_the_owner_s_file_alone()
    {
        await Store.TryCreateDocumentAsync(NewDocument("victim"), Token);
        await Store.TryCreateDocumentAsync(NewDocument("intruder"), Token);
        var v1 = NewVersion("7", 1, Key('a'));
        Assert.True(await Store.SaveFileAsync(Ready(NewFile("7", "victim"), v1), v1, Token));

        var takeover = NewFile("7", "intruder") with { Slot = "other" };
        Assert.False(await Store.SaveFileAsync(takeover, null, Token));
        Assert.False(await Store.ImportAsync(new ImportBatch([], [new ImportedFile(takeover, null)]), Token));
        var moved = (await Store.FindFileAsync("7", Token))! with { DocumentId = "intruder", Slot = "other" };
        Assert.False(await Store.SaveFileAsync(moved, null, Token));
        Assert.False(await Store.ImportAsync(new ImportBatch([], [new ImportedFile(moved, null)]), Token));

        Assert.Equal("victim", (await Store.FindFileAsync("7", Token))?.DocumentId);
        Assert.Empty(await Store.ListFilesAsync("intruder", Token));
    }

    [Fact]
    public async Task A_file_written_from_a_stale_revision_answers_false_and_writes_nothing()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var v1 = NewVersion("1", 1, Key('a'));
        await Store.SaveFileAsync(Ready(NewFile("1", "doc"), v1), v1, Token);
        var read = (await Store.FindFileAsync("1", Token))!;
        var v2 = NewVersion("1", 2, Key('b'));
        Assert.True(await Store.SaveFileAsync(Ready(read, v2), v2, Token));

        Assert.False(await Store.SaveFileAsync(read with { State = UploadState.ChecksumVerificationOnServerSideMismatch }, null, Token));

        var stored = (await Store.FindFileAsync("1", Token))!;
        Assert.Equal(UploadState.ReadyForDownloadFromServerToClient, stored.State);
        Assert.Equal(2, stored.CurrentVersion);
        Assert.Equal(2, stored.Revision);
    }

    [Fact]
    public async Task Purging_counts_as_a_write_of_each_file()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        await SaveVersionsAsync("1", "doc", "file", Key('a'));
        var read = (await Store.FindFileAsync("1", Token))!;

        await Store.PurgeDocumentContentAsync("doc", Token);

        Assert.False(await Store.SaveFileAsync(read with { State = UploadState.UploadFromClientToServerFailed }, null, Token));
        Assert.Null((await Store.FindFileAsync("1", Token))!.CurrentVersion);
    }

    [Fact]
    public async Task An_import_from_a_stale_document_revision_writes_nothing()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var read = (await Store.FindDocumentAsync("doc", Token))!;
        Assert.True(await Store.UpdateDocumentAsync(read with { Title = "newer" }, Token));

        Assert.False(await Store.ImportAsync(new ImportBatch([read with { Title = "imported" }, NewDocument("fresh")], []), Token));

        Assert.Equal("newer", (await Store.FindDocumentAsync("doc", Token))?.Title);
        Assert.Null(await Store.FindDocumentAsync("fresh", Token));
    }

    [Fact]
    public async Task Updating_a_missing_document_answers_false_and_creates_nothing()
    {
        Assert.False(await Store.UpdateDocumentAsync(NewDocument("ghost") with { Revision = 1 }, Token));

        Assert.Null(await Store.FindDocumentAsync("ghost", Token));
    }

    [Fact]
    public async Task Times_round_trip_to_the_millisecond_in_utc()
    {
        var created = new DateTimeOffset(1999, 12, 31, 23, 59, 59, 999, TimeSpan.FromHours(2));
        var document = NewDocument("doc-1") with { Created = created, Modified = created.AddMilliseconds(1), Deleted = created.AddMilliseconds(2) };
        await Store.TryCreateDocumentAsync(document, Token);

        var found = await Store.FindDocumentAsync("doc-1", Token);

        Assert.NotNull(found);
        Assert.Equal(created, found.Created);
        Assert.Equal(TimeSpan.Zero, found.Created.Offset);
        Assert.Equal(created.AddMilliseconds(1), found.Modified);
        Assert.Equal(created.AddMilliseconds(2), found.Deleted);
    }

    [Fact]
    public async Task Listing_orders_by_id_ordinally()
    {
        foreach (var id in new[] { "b", "B", "a", "10", "9", "a-1", "~" })
        {
            await Store.TryCreateDocumentAsync(NewDocument(id), Token);
        }

        var listed = await Store.ListDocumentsAsync(new DocumentQuery(), Token);

        Assert.Equal(["10", "9", "B", "a", "a-1", "b", "~"], listed.Select(d => d.Id));
    }

    [Fact]
    public async Task Listing_filters_by_kind_owner_state_and_folder()
    {
        await Store.TryCreateDocumentAsync(NewDocument("1") with { Kind = "dictation", Owner = "ann", State = "New", Folder = "inbox" }, Token);
        await Store.TryCreateDocumentAsync(NewDocument("2") with { Kind = "dictation", Owner = "bob", State = "Done", Folder = "archive" }, Token);
        await Store.TryCreateDocumentAsync(NewDocument("3") with { Kind = "transcript", Owner = "ann", State = "Done", Folder = "archive" }, Token);
        await Store.TryCreateDocumentAsync(NewDocument("4") with { Owner = "carl" }, Token);

        Assert.Equal(["1", "2"], await IdsAsync(new DocumentQuery(Kind: "dictation")));
        Assert.Equal(["1", "3"], await IdsAsync(new DocumentQuery(Owner: "ann")));
        Assert.Equal(["2", "3"], await IdsAsync(new DocumentQuery(State: "Done")));
        Assert.Equal(["1"], await IdsAsync(new DocumentQuery(Folder: "inbox")));
        Assert.Equal(["3"], await IdsAsync(new DocumentQuery(Owner: "ann", Folder: "archive")));
        Assert.Empty(await IdsAsync(new DocumentQuery(Kind: "message")));
    }

    [Fact]
    public async Task Listing_leaves_out_deleted_documents_unless_asked()
    {
        await Store.TryCreateDocumentAsync(NewDocument("1"), Token);
        await Store.TryCreateDocumentAsync(NewDocument("2") with { Deleted = T0 }, Token);

        Assert.Equal(["1"], await IdsAsync(new DocumentQuery()));
        Assert.Equal(["1", "2"], await IdsAsync(new DocumentQuery(IncludeDeleted: true)));
    }

    [Fact]
    public async Task Listing_pages_with_after_and_limit()
    {
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            await Store.TryCreateDocumentAsync(NewDocument(id), Token);
        }

        Assert.Equal(["a", "b"], await IdsAsync(new DocumentQuery(Limit: 2)));
        Assert.Equal(["c", "d"], await IdsAsync(new DocumentQuery(After: "b", Limit: 2)));
        Assert.Equal(["e"], await IdsAsync(new DocumentQuery(After: "d", Limit: 2)));
        Assert.Empty(await IdsAsync(new DocumentQuery(After: "e", Limit: 2)));
        Assert.Equal(["c", "d", "e"], await IdsAsync(new DocumentQuery(After: "bb")));
        Assert.Equal(["a", "b", "c", "d", "e"], await IdsAsync(new DocumentQuery(After: "B")));
    }

    [Fact]
    public async Task File_ids_are_numeric_increasing_and_start_at_one()
    {
        var first = await Store.NextFileIdAsync(Token);
        var second = await Store.NextFileIdAsync(Token);

        Assert.Equal("1", first);
        Assert.Equal("2", second);
    }

    [Fact]
    public async Task File_ids_are_unique_under_concurrent_calls()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Store.NextFileIdAsync(Token), Token)));

        Assert.Equal(Enumerable.Range(1, 50).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), ids.Order());
    }

    [Fact]
    public async Task Saving_a_new_file_with_its_first_version_stores_both()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var file = NewFile("1", "doc") with { HasThumbnail = true };
        var version = NewVersion("1", 1, Key('a'));

        Assert.True(await Store.SaveFileAsync(Ready(file, version), version, Token));

        AssertSameFile(Ready(file, version) with { Revision = 1 }, await Store.FindFileAsync("1", Token));
        Assert.Equal(version, await Store.FindVersionAsync("1", 1, Token));
        Assert.Equal([version], await Store.ListVersionsAsync("1", Token));
    }

    [Fact]
    public async Task Saving_an_existing_file_replaces_it_and_adds_the_version()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var v1 = NewVersion("1", 1, Key('a'));
        var v2 = NewVersion("1", 2, Key('b')) with { FileName = "b.txt", CreatedBy = null };
        await Store.SaveFileAsync(Ready(NewFile("1", "doc"), v1), v1, Token);

        var replaced = Ready(NewFile("1", "doc"), v2) with { Modified = T0.AddDays(1), Removed = T0.AddDays(2), Revision = 1 };
        Assert.True(await Store.SaveFileAsync(replaced, v2, Token));

        AssertSameFile(replaced with { Revision = 2 }, await Store.FindFileAsync("1", Token));
        Assert.Equal([v1, v2], await Store.ListVersionsAsync("1", Token));
    }

    [Fact]
    public async Task Saving_a_file_without_a_version_only_changes_the_file()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var failed = NewFile("1", "doc") with { State = UploadState.UploadFromClientToServerFailed };

        Assert.True(await Store.SaveFileAsync(failed, null, Token));

        AssertSameFile(failed with { Revision = 1 }, await Store.FindFileAsync("1", Token));
        Assert.Empty(await Store.ListVersionsAsync("1", Token));
    }

    [Fact]
    public async Task Versions_are_listed_oldest_first()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var revision = 0;
        foreach (var number in new[] { 3, 1, 2 })
        {
            var version = NewVersion("1", number, Key((char)('a' + number)));
            Assert.True(await Store.SaveFileAsync(Ready(NewFile("1", "doc"), version) with { Revision = revision++ }, version, Token));
        }

        Assert.Equal([1, 2, 3], (await Store.ListVersionsAsync("1", Token)).Select(v => v.Number));
        Assert.Null(await Store.FindVersionAsync("1", 4, Token));
    }

    [Fact]
    public async Task Another_file_in_a_taken_slot_answers_false_and_writes_nothing()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var v1 = NewVersion("1", 1, Key('a'));
        await Store.SaveFileAsync(Ready(NewFile("1", "doc"), v1), v1, Token);
        var intruderVersion = NewVersion("2", 1, Key('b'));

        var saved = await Store.SaveFileAsync(Ready(NewFile("2", "doc"), intruderVersion), intruderVersion, Token);

        Assert.False(saved);
        Assert.Null(await Store.FindFileAsync("2", Token));
        Assert.Empty(await Store.ListVersionsAsync("2", Token));
        Assert.False(await Store.IsBlobReferencedAsync(Key('b'), Token));
        Assert.Equal("1", (await Store.FindFileInSlotAsync("doc", "file", 0, Token))?.Id);
    }

    [Fact]
    public async Task A_version_number_that_is_taken_answers_false_and_writes_nothing()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var v1 = NewVersion("1", 1, Key('a'));
        await Store.SaveFileAsync(Ready(NewFile("1", "doc"), v1), v1, Token);
        var again = NewVersion("1", 1, Key('b'));

        Assert.False(await Store.SaveFileAsync(Ready(NewFile("1", "doc"), again) with { FileName = "x.bin", Revision = 1 }, again, Token));

        Assert.Equal(Key('a'), (await Store.FindFileAsync("1", Token))?.Sha256);
        Assert.Equal([v1], await Store.ListVersionsAsync("1", Token));
    }

    [Fact]
    public async Task Files_are_found_by_slot_and_index_and_listed_by_slot_then_index()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        await Store.TryCreateDocumentAsync(NewDocument("other"), Token);
        await Store.SaveFileAsync(NewFile("1", "doc") with { Slot = "fi_file", Index = 1 }, null, Token);
        await Store.SaveFileAsync(NewFile("2", "doc") with { Slot = "fi_file", Index = 0 }, null, Token);
        await Store.SaveFileAsync(NewFile("3", "doc") with { Slot = "attachment", Index = 10, Removed = T0 }, null, Token);
        await Store.SaveFileAsync(NewFile("4", "doc") with { Slot = "attachment", Index = 2 }, null, Token);
        await Store.SaveFileAsync(NewFile("5", "other") with { Slot = "fi_file", Index = 0 }, null, Token);

        Assert.Equal("1", (await Store.FindFileInSlotAsync("doc", "fi_file", 1, Token))?.Id);
        Assert.Equal("5", (await Store.FindFileInSlotAsync("other", "fi_file", 0, Token))?.Id);
        Assert.Null(await Store.FindFileInSlotAsync("doc", "fi_file", 2, Token));
        Assert.Null(await Store.FindFileInSlotAsync("doc", "file", 0, Token));
        Assert.Equal(["4", "3", "2", "1"], (await Store.ListFilesAsync("doc", Token)).Select(f => f.Id));
        Assert.Empty(await Store.ListFilesAsync("none", Token));
        Assert.Null(await Store.FindFileAsync("99", Token));
    }

    [Fact]
    public async Task Purging_returns_only_the_keys_no_other_document_refers_to()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        await Store.TryCreateDocumentAsync(NewDocument("other"), Token);
        var shared = Key('s');
        var own = Key('o');
        var ownAgain = Key('p');
        await SaveVersionsAsync("1", "doc", "file", own, shared);
        await SaveVersionsAsync("2", "doc", "attachment", ownAgain, own);
        await SaveVersionsAsync("3", "other", "file", shared);

        var purged = await Store.PurgeDocumentContentAsync("doc", Token);

        Assert.Equal(new[] { own, ownAgain }.Order(), purged.Order());
        Assert.True(await Store.IsBlobReferencedAsync(shared, Token));
        Assert.False(await Store.IsBlobReferencedAsync(own, Token));
        Assert.Empty(await Store.ListVersionsAsync("1", Token));
        Assert.Single(await Store.ListVersionsAsync("3", Token));
        foreach (var file in await Store.ListFilesAsync("doc", Token))
        {
            Assert.Equal(UploadState.Initial, file.State);
            Assert.Null(file.CurrentVersion);
            Assert.Equal(0, file.Size);
            Assert.Equal("", file.Sha256);
            Assert.Equal("", file.Md5);
        }

        Assert.Equal(shared, (await Store.FindFileAsync("3", Token))?.Sha256);
    }

    [Fact]
    public async Task Purging_a_document_without_files_returns_nothing()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);

        Assert.Empty(await Store.PurgeDocumentContentAsync("doc", Token));
        Assert.Empty(await Store.PurgeDocumentContentAsync("missing", Token));
    }

    [Fact]
    public async Task A_blob_is_referenced_while_any_version_points_at_it()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);

        Assert.False(await Store.IsBlobReferencedAsync(Key('a'), Token));
        await SaveVersionsAsync("1", "doc", "file", Key('a'), Key('b'));

        Assert.True(await Store.IsBlobReferencedAsync(Key('a'), Token));
        Assert.True(await Store.IsBlobReferencedAsync(Key('b'), Token));
    }

    [Fact]
    public async Task Initializing_again_keeps_the_data()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var id = await Store.NextFileIdAsync(Token);

        await Store.InitializeAsync(Token);
        await Store.InitializeAsync(Token);

        Assert.NotNull(await Store.FindDocumentAsync("doc", Token));
        Assert.Equal("1", id);
        Assert.Equal("2", await Store.NextFileIdAsync(Token));
    }

    [Fact]
    public async Task Importing_inserts_and_replaces_documents_files_and_versions()
    {
        await Store.TryCreateDocumentAsync(NewDocument("old") with { Title = "before" }, Token);
        var v1 = NewVersion("f-1", 1, Key('a'));
        var file = Ready(NewFile("f-1", "new"), v1);
        var batch = new ImportBatch(
            [NewDocument("old") with { Title = "after", Modified = T0.AddHours(1), Revision = 1 }, NewDocument("new") with { Kind = "message" }],
            [new ImportedFile(file, v1)]);

        Assert.True(await Store.ImportAsync(batch, Token));

        Assert.Equal("after", (await Store.FindDocumentAsync("old", Token))?.Title);
        AssertSameDocument(NewDocument("new") with { Kind = "message", Revision = 1 }, await Store.FindDocumentAsync("new", Token));
        AssertSameFile(file with { Revision = 1 }, await Store.FindFileAsync("f-1", Token));
        Assert.Equal([v1], await Store.ListVersionsAsync("f-1", Token));

        var v2 = NewVersion("f-1", 2, Key('b'));
        var removed = Ready(file, v2) with { Removed = T0.AddDays(1), Revision = 1 };
        Assert.True(await Store.ImportAsync(new ImportBatch([], [new ImportedFile(removed, v2)]), Token));

        AssertSameFile(removed with { Revision = 2 }, await Store.FindFileAsync("f-1", Token));
        Assert.Equal([v1, v2], await Store.ListVersionsAsync("f-1", Token));
    }

    [Fact]
    public async Task An_import_whose_last_file_takes_a_held_slot_writes_nothing()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var held = NewVersion("1", 1, Key('a'));
        await Store.SaveFileAsync(Ready(NewFile("1", "doc"), held), held, Token);
        var first = NewVersion("5000", 1, Key('b'));
        var intruder = NewVersion("7", 1, Key('c'));
        var batch = new ImportBatch(
            [NewDocument("new"), NewDocument("doc") with { Title = "changed" }],
            [new ImportedFile(Ready(NewFile("5000", "new"), first), first), new ImportedFile(Ready(NewFile("7", "doc"), intruder), intruder)]);

        Assert.False(await Store.ImportAsync(batch, Token));

        Assert.Null(await Store.FindDocumentAsync("new", Token));
        Assert.Equal("", (await Store.FindDocumentAsync("doc", Token))?.Title);
        Assert.Null(await Store.FindFileAsync("5000", Token));
        Assert.Null(await Store.FindFileAsync("7", Token));
        Assert.False(await Store.IsBlobReferencedAsync(Key('b'), Token));
        Assert.False(await Store.IsBlobReferencedAsync(Key('c'), Token));
        Assert.Equal("1", (await Store.FindFileInSlotAsync("doc", "file", 0, Token))?.Id);
        Assert.Equal("1", await Store.NextFileIdAsync(Token));
    }

    [Fact]
    public async Task An_import_with_a_taken_version_number_writes_nothing()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var v1 = NewVersion("1", 1, Key('a'));
        await Store.SaveFileAsync(Ready(NewFile("1", "doc"), v1), v1, Token);
        var again = NewVersion("1", 1, Key('b'));

        Assert.False(await Store.ImportAsync(
            new ImportBatch([NewDocument("other")], [new ImportedFile(Ready(NewFile("1", "doc"), again) with { Revision = 1 }, again)]), Token));

        Assert.Null(await Store.FindDocumentAsync("other", Token));
        Assert.Equal([v1], await Store.ListVersionsAsync("1", Token));
    }

    [Fact]
    public async Task Imported_plain_numeric_file_ids_raise_the_file_id_sequence()
    {
        Assert.Equal("1", await Store.NextFileIdAsync(Token));
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        var batch = new ImportBatch([], [
            new ImportedFile(NewFile("1256", "doc"), null),
            new ImportedFile(NewFile("01300", "doc") with { Index = 1 }, null),
            new ImportedFile(NewFile("9999999999999999999999", "doc") with { Index = 2 }, null),
            new ImportedFile(NewFile("x2000", "doc") with { Index = 3 }, null),
            new ImportedFile(NewFile("17", "doc") with { Index = 4 }, null),
        ]);

        Assert.True(await Store.ImportAsync(batch, Token));

        Assert.Equal("1257", await Store.NextFileIdAsync(Token));
    }

    [Fact]
    public async Task An_imported_nineteen_digit_file_id_is_never_handed_out_again()
    {
        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);

        Assert.True(await Store.ImportAsync(new ImportBatch([], [new ImportedFile(NewFile("1000000000000000015", "doc"), null)]), Token));

        Assert.Equal("1000000000000000016", await Store.NextFileIdAsync(Token));
    }

    [Fact]
    public async Task Importing_numbers_below_the_sequence_does_not_lower_it()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.NextFileIdAsync(Token);
        }

        await Store.TryCreateDocumentAsync(NewDocument("doc"), Token);
        Assert.True(await Store.ImportAsync(new ImportBatch([], [new ImportedFile(NewFile("2", "doc"), null)]), Token));

        Assert.Equal("6", await Store.NextFileIdAsync(Token));
    }

    [Fact]
    public async Task An_empty_import_writes_nothing_and_succeeds()
    {
        Assert.True(await Store.ImportAsync(new ImportBatch([], []), Token));

        Assert.Empty(await Store.ListDocumentsAsync(new DocumentQuery(IncludeDeleted: true), Token));
    }

    [Fact]
    public async Task Uploads_left_in_progress_before_the_cut_off_are_marked_failed_and_nothing_else_changes()
    {
        Assert.True(await Store.TryCreateDocumentAsync(NewDocument("doc"), Token));
        var receiving = NewFile("1", "doc") with { Index = 1, State = UploadState.UploadFromClientToServerInProgress };
        var verifying = NewFile("2", "doc") with { Index = 2, State = UploadState.ChecksumVerificationOnServerSideInProgress };
        var recent = NewFile("3", "doc") with { Index = 3, State = UploadState.UploadFromClientToServerInProgress, Modified = T0.AddHours(2) };
        var version = NewVersion("4", 1, new string('a', 64));
        var ready = Ready(NewFile("4", "doc") with { Index = 4 }, version);
        foreach (var file in new[] { receiving, verifying, recent })
        {
            Assert.True(await Store.SaveFileAsync(file, null, Token));
        }

        Assert.True(await Store.SaveFileAsync(ready, version, Token));
        var now = T0.AddHours(3);

        var failed = await StaleUploads.FailAsync(T0.AddHours(1), now, Token);

        Assert.Equal(["1", "2"], failed.Order(StringComparer.Ordinal));
        foreach (var id in new[] { "1", "2" })
        {
            var file = await Store.FindFileAsync(id, Token);
            Assert.Equal(UploadState.UploadFromClientToServerFailed, file!.State);
            Assert.Equal(now, file.Modified);
            // A writer holding the old revision must re-read rather than overwrite the failure.
            Assert.False(await Store.SaveFileAsync(receiving with { Id = id, Index = int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), Revision = 1 }, null, Token));
        }

        Assert.Equal(UploadState.UploadFromClientToServerInProgress, (await Store.FindFileAsync("3", Token))!.State);
        Assert.Equal(UploadState.ReadyForDownloadFromServerToClient, (await Store.FindFileAsync("4", Token))!.State);
        Assert.Empty(await StaleUploads.FailAsync(T0.AddHours(1), now, Token));
    }

    protected static Document NewDocument(string id) => new()
    {
        Id = id,
        Owner = "ann",
        Created = T0,
        Modified = T0,
    };

    protected static StoredFile NewFile(string id, string documentId) => new()
    {
        Id = id,
        DocumentId = documentId,
        Slot = "file",
        Index = 0,
        FileName = "a.txt",
        MediaType = "text/plain",
        State = UploadState.Initial,
        Created = T0,
        Modified = T0,
    };

    protected static FileVersion NewVersion(string fileId, int number, string sha256) => new()
    {
        FileId = fileId,
        Number = number,
        Size = 1000 + number,
        Sha256 = sha256,
        Md5 = new string(sha256[0], 32),
        FileName = "a.txt",
        MediaType = "text/plain",
        Created = T0.AddMinutes(number),
        CreatedBy = "ann",
    };

    protected static StoredFile Ready(StoredFile file, FileVersion version) => file with
    {
        State = UploadState.ReadyForDownloadFromServerToClient,
        CurrentVersion = version.Number,
        Size = version.Size,
        Sha256 = version.Sha256,
        Md5 = version.Md5,
        FileName = version.FileName,
    };

    protected static string Key(char c) => new(c, 64);

    private async Task SaveVersionsAsync(string fileId, string documentId, string slot, params string[] keys)
    {
        var number = 0;
        foreach (var key in keys)
        {
            var version = NewVersion(fileId, ++number, key);
            Assert.True(await Store.SaveFileAsync(Ready(NewFile(fileId, documentId) with { Slot = slot, Revision = number - 1 }, version), version, Token));
        }
    }

    private async Task<IEnumerable<string>> IdsAsync(DocumentQuery query) =>
        (await Store.ListDocumentsAsync(query, Token)).Select(d => d.Id);

    private static void AssertSameFile(StoredFile expected, StoredFile? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected, actual);
    }

    private static void AssertSameDocument(Document expected, Document? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Properties = actual.Properties, Attributes = actual.Attributes, Acl = actual.Acl }, actual);
        Assert.Equal(expected.Properties.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Properties.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Attributes, actual.Attributes);
        Assert.Equal(expected.Acl.Count, actual.Acl.Count);
        foreach (var (want, got) in expected.Acl.Zip(actual.Acl))
        {
            Assert.Equal(want.Principal, got.Principal);
            Assert.Equal(want.Group, got.Group);
            Assert.Equal(want.Permissions, got.Permissions);
        }
    }
}
