using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Tests.Fakes;

namespace Attache.Core.Tests;

public sealed class PrimaryFilesTests : IAsyncLifetime
{
    private readonly CoreServices _core = new();
    private readonly PrimaryFiles _primary;

    public PrimaryFilesTests() => _primary = new PrimaryFiles(_core.Metadata, _core.Documents);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice", Acl: Acl.Shared));

    public ValueTask DisposeAsync()
    {
        _core.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_first_file_of_the_file_slot_wins_over_other_slots_and_later_indices()
    {
        await _core.UploadAsync("doc", [1], "appendix.txt", slot: "appendix", index: 0);
        await _core.UploadAsync("doc", [2], "second.txt", index: 1);
        var main = await _core.UploadAsync("doc", [3], "main.txt", index: 0);

        var (document, file) = (await _primary.FindAsync(Callers.Viewer, "doc", Token)).Value;

        Assert.Equal(("doc", main.Id), (document.Id, file.Id));
    }

    [Fact]
    public async Task Without_a_file_slot_the_first_file_of_any_slot_and_a_removed_file_does_not_count()
    {
        var removed = await _core.UploadAsync("doc", [1], "a.txt", slot: "a", index: 0);
        var kept = await _core.UploadAsync("doc", [2], "b.txt", slot: "b", index: 0);
        Assert.Null((await _core.Files.RemoveAsync(Callers.Admin, removed.Id, Token)).Failure);

        var (_, file) = (await _primary.FindAsync(Callers.Viewer, "doc", Token)).Value;

        Assert.Equal(kept.Id, file.Id);
    }

    [Fact]
    public async Task A_document_without_files_is_not_ready_and_a_hidden_or_deleted_one_is_not_found()
    {
        Assert.IsType<Failure.NotReady>((await _primary.FindAsync(Callers.Viewer, "doc", Token)).Failure);
        await _core.UploadAsync("doc", [1], "a.txt");
        Assert.IsType<Failure.NotFound>((await _primary.FindAsync(Callers.Stranger, "doc", Token)).Failure);
        Assert.IsType<Failure.Invalid>((await _primary.FindAsync(Callers.Viewer, "../doc", Token)).Failure);

        Assert.Null((await _core.Documents.DeleteAsync(Callers.Admin, "doc", purge: false, Token)).Failure);

        Assert.IsType<Failure.NotFound>((await _primary.FindAsync(Callers.Viewer, "doc", Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _primary.FindAsync(Callers.Admin, "doc", Token)).Failure);
    }
}
