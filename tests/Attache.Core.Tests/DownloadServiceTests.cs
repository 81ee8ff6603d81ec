using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Files;
using Attache.Core.Tests.Fakes;

namespace Attache.Core.Tests;

public sealed class DownloadServiceTests : IAsyncLifetime
{
    private readonly CoreServices _core = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice", Acl: Acl.Shared));

    public ValueTask DisposeAsync()
    {
        _core.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_plan_of_the_current_version_carries_exactly_that_version()
    {
        _core.Clock.Advance(TimeSpan.FromMinutes(1));
        var file = await _core.UploadAsync("doc", [1, 2, 3], "one.txt", index: 0);
        _core.Clock.Advance(TimeSpan.FromMinutes(1));
        await _core.UploadAsync("doc", [4, 5, 6, 7], "two.txt", index: 0);
        var version = await _core.Metadata.FindVersionAsync(file.Id, 2, Token);

        var plan = (await _core.Downloads.ResolveAsync(Callers.Viewer, file.Id, null, Token)).Value;

        Assert.Equal(
            new DownloadPlan(file.Id, 2, version!.Sha256, 4, version.Sha256, version.Md5, CoreServices.Start.AddMinutes(2), FileService.DefaultMediaType, "two.txt")
            {
                Audit = new DownloadAudit("bob", "doc", null),
            },
            plan);
        await using var bytes = await _core.Blobs.OpenReadAsync(plan.BlobKey, 0, plan.Length, Token);
        using var copy = new MemoryStream();
        await bytes!.CopyToAsync(copy, Token);
        Assert.Equal([4, 5, 6, 7], copy.ToArray());
    }

    [Fact]
    public async Task An_older_version_resolves_to_its_own_bytes_and_time()
    {
        var file = await _core.UploadAsync("doc", [1, 2, 3], "one.txt", index: 0);
        _core.Clock.Advance(TimeSpan.FromHours(1));
        await _core.UploadAsync("doc", [4, 5, 6, 7], "two.txt", index: 0);
        var first = await _core.Metadata.FindVersionAsync(file.Id, 1, Token);

        var plan = (await _core.Downloads.ResolveAsync(Callers.Owner, file.Id, 1, Token)).Value;

        Assert.Equal(
            new DownloadPlan(file.Id, 1, first!.Sha256, 3, first.Sha256, first.Md5, CoreServices.Start, FileService.DefaultMediaType, "one.txt")
            {
                Audit = new DownloadAudit("alice", "doc", null),
            },
            plan);
    }

    [Fact]
    public async Task A_file_that_is_not_ready_answers_with_its_state_but_its_versions_stay_reachable()
    {
        var file = await _core.UploadAsync("doc", [1, 2, 3], index: 0);
        await using var broken = new BrokenStream(bytesBeforeFailure: 1);
        await Assert.ThrowsAsync<IOException>(() =>
            _core.Files.UploadAsync(Callers.Owner, new UploadRequest("doc", "file", 0, "x", null, broken), Token));

        var current = await _core.Downloads.ResolveAsync(Callers.Owner, file.Id, null, Token);
        var older = await _core.Downloads.ResolveAsync(Callers.Owner, file.Id, 1, Token);

        Assert.Equal(UploadState.UploadFromClientToServerFailed, Assert.IsType<Failure.NotReady>(current.Failure).State);
        Assert.Equal(file.Sha256, older.Value.Sha256);
    }

    [Fact]
    public async Task A_file_whose_only_upload_mismatched_is_not_ready()
    {
        using var body = new MemoryStream([1, 2, 3]);
        var request = new UploadRequest("doc", "file", null, "x", null, body, Checksums: new DeclaredChecksums(Md5: new string('0', 32)));
        Assert.IsType<Failure.ChecksumMismatch>((await _core.Files.UploadAsync(Callers.Owner, request, Token)).Failure);
        var file = Assert.Single(await _core.Metadata.ListFilesAsync("doc", Token));

        var resolved = await _core.Downloads.ResolveAsync(Callers.Owner, file.Id, null, Token);

        Assert.Equal(UploadState.ChecksumVerificationOnServerSideMismatch, Assert.IsType<Failure.NotReady>(resolved.Failure).State);
        Assert.IsType<Failure.NotFound>((await _core.Downloads.ResolveAsync(Callers.Owner, file.Id, 1, Token)).Failure);
    }

    [Fact]
    public async Task A_removed_file_is_not_found_even_for_an_admin()
    {
        var file = await _core.UploadAsync("doc", [1, 2, 3]);
        await _core.Files.RemoveAsync(Callers.Owner, file.Id, Token);

        Assert.IsType<Failure.NotFound>((await _core.Downloads.ResolveAsync(Callers.Owner, file.Id, null, Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _core.Downloads.ResolveAsync(Callers.Admin, file.Id, null, Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _core.Downloads.ResolveAsync(Callers.Admin, file.Id, 1, Token)).Failure);
    }

    [Fact]
    public async Task An_unknown_file_or_version_is_not_found_and_a_stranger_sees_no_file()
    {
        var file = await _core.UploadAsync("doc", [1, 2, 3]);

        Assert.IsType<Failure.NotFound>((await _core.Downloads.ResolveAsync(Callers.Owner, "999", null, Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _core.Downloads.ResolveAsync(Callers.Owner, file.Id, 2, Token)).Failure);
        Assert.Equal(
            new Failure.NotFound($"File '{file.Id}' was not found."),
            (await _core.Downloads.ResolveAsync(Callers.Stranger, file.Id, null, Token)).Failure);
    }

    [Fact]
    public async Task A_file_of_a_deleted_document_is_not_found_for_its_owner()
    {
        var file = await _core.UploadAsync("doc", [1, 2, 3]);
        await _core.Documents.DeleteAsync(Callers.Owner, "doc", purge: false, Token);

        Assert.IsType<Failure.NotFound>((await _core.Downloads.ResolveAsync(Callers.Owner, file.Id, null, Token)).Failure);
    }

    [Fact]
    public async Task A_malformed_file_id_is_invalid()
    {
        var resolved = await _core.Downloads.ResolveAsync(Callers.Owner, "../1", null, Token);

        Assert.Equal("id", Assert.IsType<Failure.Invalid>(resolved.Failure).Field);
    }
}
