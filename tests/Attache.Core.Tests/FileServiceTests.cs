using System.Security.Cryptography;
using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Principals;
using Attache.Core.Tests.Fakes;

namespace Attache.Core.Tests;

public sealed class FileServiceTests : IAsyncLifetime
{
    private static readonly byte[] Content = "hello, attache"u8.ToArray();
    private static readonly string ContentSha256 = Convert.ToHexStringLower(SHA256.HashData(Content));
    private static readonly string ContentMd5 = Convert.ToHexStringLower(MD5.HashData(Content));

    private readonly CoreServices _core = new(maxBytes: 1000);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        await _core.CreateAsync(new NewDocument(Id: "doc", Owner: "alice", Acl: Acl.Shared));

    public ValueTask DisposeAsync()
    {
        _core.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_first_upload_creates_file_1_at_version_1_ready_with_the_hashes_of_its_bytes()
    {
        _core.Clock.Advance(TimeSpan.FromMinutes(3));
        var uploaded = await UploadAsync(Callers.Owner, Content, index: 0, fileName: "hello.txt", mediaType: "text/plain");

        var expected = new StoredFile
        {
            Id = "1",
            DocumentId = "doc",
            Slot = "file",
            Index = 0,
            FileName = "hello.txt",
            MediaType = "text/plain",
            State = UploadState.ReadyForDownloadFromServerToClient,
            CurrentVersion = 1,
            Size = Content.Length,
            Sha256 = ContentSha256,
            Md5 = ContentMd5,
            Created = CoreServices.Start.AddMinutes(3),
            Modified = CoreServices.Start.AddMinutes(3),
            Revision = 1,
        };
        Assert.Equal(expected, uploaded.Value);
        Assert.Equal(expected, await _core.Metadata.FindFileAsync("1", Token));
        var version = Assert.Single(await _core.Metadata.ListVersionsAsync("1", Token));
        Assert.Equal(
            new FileVersion
            {
                FileId = "1",
                Number = 1,
                Size = Content.Length,
                Sha256 = ContentSha256,
                Md5 = ContentMd5,
                FileName = "hello.txt",
                MediaType = "text/plain",
                Created = CoreServices.Start.AddMinutes(3),
                CreatedBy = "alice",
            },
            version);
        Assert.Equal(Content, _core.Blobs.Find(ContentSha256));
        Assert.Equal(0, _core.Blobs.Pending);
    }

    [Fact]
    public async Task Without_a_media_type_the_file_is_an_octet_stream_and_the_name_is_sanitised()
    {
        var uploaded = (await UploadAsync(Callers.Owner, Content, fileName: @"C:\fakepath\notes.txt")).Value;

        Assert.Equal(FileService.DefaultMediaType, uploaded.MediaType);
        Assert.Equal("notes.txt", uploaded.FileName);
    }

    [Fact]
    public async Task Uploading_into_an_occupied_slot_adds_version_2_of_the_same_file()
    {
        var first = (await UploadAsync(Callers.Owner, Content, index: 0, fileName: "a.txt")).Value;
        _core.Clock.Advance(TimeSpan.FromHours(2));
        byte[] changed = [.. Content, (byte)'!'];

        var second = (await UploadAsync(Callers.GroupMember, changed, index: 0, fileName: "b.txt")).Value;

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(2, second.CurrentVersion);
        Assert.Equal("b.txt", second.FileName);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(changed)), second.Sha256);
        Assert.Equal(CoreServices.Start, second.Created);
        Assert.Equal(CoreServices.Start.AddHours(2), second.Modified);
        var versions = await _core.Metadata.ListVersionsAsync(first.Id, Token);
        Assert.Equal([(1, "a.txt", "alice"), (2, "b.txt", "carol")], versions.Select(v => (v.Number, v.FileName, v.CreatedBy)));
        Assert.Equal(2, _core.Blobs.Keys.Count);
    }

    [Fact]
    public async Task Without_an_index_each_upload_takes_the_next_free_one_in_its_slot()
    {
        var indices = new List<int>();
        foreach (var slot in new[] { "file", "file", "attachment", "file" })
        {
            indices.Add((await UploadAsync(Callers.Owner, Content, slot: slot)).Value.Index);
        }

        indices.Add((await UploadAsync(Callers.Owner, Content, index: 7)).Value.Index);
        indices.Add((await UploadAsync(Callers.Owner, Content)).Value.Index);

        Assert.Equal([0, 1, 0, 2, 7, 8], indices);
        Assert.Equal(["1", "2", "3", "4", "5", "6"], (await _core.Metadata.ListFilesAsync("doc", Token)).Select(f => f.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_upload_that_moves_on_to_the_next_free_index_is_audited_where_it_landed()
    {
        // The first upload picks index 0, then waits for its last bytes while a second one takes index 0.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = new GatedStream(Content, gate.Task);
        var first = _core.Files.UploadAsync(Callers.Owner, new UploadRequest("doc", "file", null, "a.txt", null, slow), Token);
        await slow.Started;
        var second = await UploadAsync(Callers.Owner, Content);
        gate.SetResult();
        var moved = (await first).Value;

        Assert.Equal((0, 1), (second.Value.Index, moved.Index));
        var audited = _core.AuditLog.Of(Audit.AuditActions.Upload).Single(e => e.FileId == moved.Id);
        Assert.Equal("file/1", audited.Detail);
    }

    /// <summary>Hands out its first byte at once and the rest once the gate opens.</summary>
    private sealed class GatedStream(byte[] content, Task gate) : MemoryStream(content)
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position > 0)
            {
                _started.TrySetResult();
                await gate.WaitAsync(cancellationToken);
            }

            return await base.ReadAsync(buffer[..1], cancellationToken);
        }
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("md5")]
    public async Task Declared_checksums_that_match_in_any_case_are_accepted(string algorithm)
    {
        var declared = algorithm == "sha256" ? new DeclaredChecksums(Sha256: ContentSha256.ToUpperInvariant()) : new DeclaredChecksums(Md5: ContentMd5.ToUpperInvariant());

        var uploaded = await UploadAsync(Callers.Owner, Content, checksums: declared);

        Assert.Equal(UploadState.ReadyForDownloadFromServerToClient, uploaded.Value.State);
    }

    [Theory]
    [InlineData("SHA-256")]
    [InlineData("MD5")]
    public async Task A_declared_checksum_mismatch_is_refused_and_the_new_file_records_it_without_a_version(string algorithm)
    {
        var wrongSha256 = new string('0', 64);
        var wrongMd5 = new string('A', 32);
        var declared = algorithm == "SHA-256" ? new DeclaredChecksums(Sha256: wrongSha256) : new DeclaredChecksums(Md5: wrongMd5);
        _core.Clock.Advance(TimeSpan.FromSeconds(30));

        var uploaded = await UploadAsync(Callers.Owner, Content, index: 0, checksums: declared);

        var mismatch = Assert.IsType<Failure.ChecksumMismatch>(uploaded.Failure);
        Assert.Equal(algorithm, mismatch.Algorithm);
        Assert.Equal(algorithm == "SHA-256" ? wrongSha256 : wrongMd5.ToLowerInvariant(), mismatch.Declared);
        Assert.Equal(algorithm == "SHA-256" ? ContentSha256 : ContentMd5, mismatch.Computed);

        var file = Assert.Single(await _core.Metadata.ListFilesAsync("doc", Token));
        Assert.Equal(UploadState.ChecksumVerificationOnServerSideMismatch, file.State);
        Assert.Null(file.CurrentVersion);
        Assert.Equal("", file.Sha256);
        Assert.Equal(CoreServices.Start.AddSeconds(30), file.Modified);
        Assert.Empty(await _core.Metadata.ListVersionsAsync(file.Id, Token));
        Assert.Empty(_core.Blobs.Keys);
        Assert.Equal(0, _core.Blobs.Pending);
    }

    [Fact]
    public async Task A_checksum_mismatch_on_an_existing_file_keeps_its_versions_but_marks_it()
    {
        var first = (await UploadAsync(Callers.Owner, Content, index: 0)).Value;

        var uploaded = await UploadAsync(Callers.Owner, [9, 9, 9], index: 0, checksums: new DeclaredChecksums(Sha256: ContentSha256));

        Assert.IsType<Failure.ChecksumMismatch>(uploaded.Failure);
        var file = await _core.Metadata.FindFileAsync(first.Id, Token);
        Assert.Equal(UploadState.ChecksumVerificationOnServerSideMismatch, file!.State);
        Assert.Equal(1, file.CurrentVersion);
        Assert.Single(await _core.Metadata.ListVersionsAsync(first.Id, Token));
        Assert.Equal([ContentSha256], _core.Blobs.Keys);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_too_large_before_a_byte_is_read()
    {
        using var body = new MemoryStream(Content);
        var request = new UploadRequest("doc", "file", null, "big.bin", null, body, DeclaredLength: 1001);

        var uploaded = await _core.Files.UploadAsync(Callers.Owner, request, Token);

        Assert.Equal(1000, Assert.IsType<Failure.TooLarge>(uploaded.Failure).LimitBytes);
        Assert.Equal(0, body.Position);
        Assert.Empty(await _core.Metadata.ListFilesAsync("doc", Token));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_too_large_and_leaves_nothing_behind()
    {
        var uploaded = await UploadAsync(Callers.Owner, new byte[1001]);

        Assert.Equal(1000, Assert.IsType<Failure.TooLarge>(uploaded.Failure).LimitBytes);
        Assert.Empty(await _core.Metadata.ListFilesAsync("doc", Token));
        Assert.Empty(_core.Blobs.Keys);
        Assert.Equal(0, _core.Blobs.Pending);
    }

    [Fact]
    public async Task A_body_of_exactly_the_limit_is_accepted()
    {
        var uploaded = await UploadAsync(Callers.Owner, new byte[1000]);

        Assert.Equal(1000, uploaded.Value.Size);
    }

    [Fact]
    public async Task A_body_that_breaks_off_marks_an_existing_file_failed_and_the_error_propagates()
    {
        var first = (await UploadAsync(Callers.Owner, Content, index: 0)).Value;
        _core.Clock.Advance(TimeSpan.FromMinutes(1));

        await using var broken = new BrokenStream(bytesBeforeFailure: 10);
        await Assert.ThrowsAsync<IOException>(() =>
            _core.Files.UploadAsync(Callers.Owner, new UploadRequest("doc", "file", 0, "x.bin", null, broken), Token));

        var file = await _core.Metadata.FindFileAsync(first.Id, Token);
        Assert.Equal(first with { State = UploadState.UploadFromClientToServerFailed, Modified = CoreServices.Start.AddMinutes(1), Revision = 2 }, file);
        Assert.Single(await _core.Metadata.ListVersionsAsync(first.Id, Token));
        Assert.Equal([ContentSha256], _core.Blobs.Keys);
    }

    [Fact]
    public async Task A_body_that_breaks_off_in_an_empty_slot_creates_nothing()
    {
        await using var broken = new BrokenStream(bytesBeforeFailure: 10);
        await Assert.ThrowsAsync<IOException>(() =>
            _core.Files.UploadAsync(Callers.Owner, new UploadRequest("doc", "file", null, "x.bin", null, broken), Token));

        Assert.Empty(await _core.Metadata.ListFilesAsync("doc", Token));
        Assert.Empty(_core.Blobs.Keys);
        Assert.Equal(0, _core.Blobs.Pending);
    }

    [Fact]
    public async Task A_body_over_the_limit_leaves_an_existing_file_as_it_was()
    {
        var first = (await UploadAsync(Callers.Owner, Content, index: 0)).Value;

        Assert.IsType<Failure.TooLarge>((await UploadAsync(Callers.Owner, new byte[1001], index: 0)).Failure);

        Assert.Equal(first, await _core.Metadata.FindFileAsync(first.Id, Token));
        Assert.Equal(0, _core.Blobs.Pending);
    }

    [Fact]
    public async Task Uploading_to_a_deleted_document_is_gone_for_an_admin_and_not_found_for_its_owner()
    {
        await _core.Documents.DeleteAsync(Callers.Admin, "doc", purge: false, Token);

        Assert.IsType<Failure.Gone>((await UploadAsync(Callers.Admin, Content)).Failure);
        Assert.IsType<Failure.NotFound>((await UploadAsync(Callers.Owner, Content)).Failure);
        Assert.Empty(_core.Blobs.Keys);
    }

    [Fact]
    public async Task Uploading_to_an_unknown_document_is_not_found()
    {
        using var body = new MemoryStream(Content);
        var uploaded = await _core.Files.UploadAsync(Callers.Admin, new UploadRequest("nope", "file", null, "x", null, body), Token);

        Assert.IsType<Failure.NotFound>(uploaded.Failure);
    }

    [Fact]
    public async Task A_stranger_is_told_the_document_does_not_exist_and_a_viewer_is_forbidden()
    {
        Assert.IsType<Failure.NotFound>((await UploadAsync(Callers.Stranger, Content)).Failure);
        Assert.IsType<Failure.Forbidden>((await UploadAsync(Callers.Viewer, Content)).Failure);
        Assert.Empty(await _core.Metadata.ListFilesAsync("doc", Token));
        Assert.Empty(_core.Blobs.Keys);
    }

    [Theory]
    [InlineData("a.b", 0, "slot")]
    [InlineData("", 0, "slot")]
    [InlineData("file", -1, "index")]
    [InlineData("file", 10000, "index")]
    public async Task A_bad_slot_or_index_is_invalid(string slot, int index, string field)
    {
        var uploaded = await UploadAsync(Callers.Owner, Content, slot: slot, index: index);

        Assert.Equal(field, Assert.IsType<Failure.Invalid>(uploaded.Failure).Field);
    }

    [Fact]
    public async Task A_file_name_with_nothing_usable_is_invalid()
    {
        var uploaded = await UploadAsync(Callers.Owner, Content, fileName: "..");

        Assert.Equal("fileName", Assert.IsType<Failure.Invalid>(uploaded.Failure).Field);
        Assert.Empty(_core.Blobs.Keys);
    }

    [Fact]
    public async Task A_removed_file_is_not_found_for_its_owner_but_an_admin_sees_when_it_was_removed()
    {
        var file = (await UploadAsync(Callers.Owner, Content)).Value;
        _core.Clock.Advance(TimeSpan.FromDays(2));

        var removed = (await _core.Files.RemoveAsync(Callers.Owner, file.Id, Token)).Value;

        Assert.Equal(CoreServices.Start.AddDays(2), removed.Removed);
        Assert.IsType<Failure.NotFound>((await _core.Files.GetAsync(Callers.Owner, file.Id, Token)).Failure);
        Assert.Equal(removed, (await _core.Files.GetAsync(Callers.Admin, file.Id, Token)).Value);
        Assert.Empty((await _core.Files.ListAsync(Callers.Owner, "doc", Token)).Value);
        Assert.Equal([removed], (await _core.Files.ListAsync(Callers.Admin, "doc", Token)).Value);
        Assert.Single(await _core.Metadata.ListVersionsAsync(file.Id, Token));
    }

    [Fact]
    public async Task Removing_needs_delete_permission()
    {
        var file = (await UploadAsync(Callers.Owner, Content)).Value;

        Assert.IsType<Failure.Forbidden>((await _core.Files.RemoveAsync(Callers.GroupMember, file.Id, Token)).Failure);
        Assert.IsType<Failure.NotFound>((await _core.Files.RemoveAsync(Callers.Stranger, file.Id, Token)).Failure);
        Assert.Null((await _core.Metadata.FindFileAsync(file.Id, Token))!.Removed);
    }

    [Fact]
    public async Task A_stranger_asking_for_a_file_is_told_the_file_does_not_exist()
    {
        var file = (await UploadAsync(Callers.Owner, Content)).Value;

        var found = await _core.Files.GetAsync(Callers.Stranger, file.Id, Token);

        Assert.Equal(new Failure.NotFound($"File '{file.Id}' was not found."), found.Failure);
    }

    [Fact]
    public async Task Uploading_into_the_slot_of_a_removed_file_brings_it_back()
    {
        var file = (await UploadAsync(Callers.Owner, Content, index: 0)).Value;
        await _core.Files.RemoveAsync(Callers.Owner, file.Id, Token);

        var again = (await UploadAsync(Callers.Owner, Content, index: 0)).Value;

        Assert.Equal(file.Id, again.Id);
        Assert.Null(again.Removed);
        Assert.Equal(2, again.CurrentVersion);
    }

    private async Task<Outcome<StoredFile>> UploadAsync(
        Caller caller, byte[] content, string slot = "file", int? index = null, string? fileName = "data.bin",
        string? mediaType = null, DeclaredChecksums? checksums = null)
    {
        using var body = new MemoryStream(content);
        return await _core.Files.UploadAsync(caller, new UploadRequest("doc", slot, index, fileName, mediaType, body, Checksums: checksums), Token);
    }
}
