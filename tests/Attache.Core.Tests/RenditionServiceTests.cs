using System.Text;
using Attache.Core.Documents;
using Attache.Core.Renditions;
using Attache.Core.Tests.Fakes;

namespace Attache.Core.Tests;

public sealed class RenditionServiceTests : IAsyncLifetime
{
    private static readonly byte[] Json = "{\"monologues\":[]}"u8.ToArray();

    private readonly CoreServices _core = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _core.CreateAsync(new NewDocument(
            Id: "depo", Kind: Transcripts.DocumentKind, Owner: "alice", Acl: Acl.Shared,
            Properties: new Dictionary<string, string> { ["caseName"] = "Doe v. Roe", ["unrelated"] = "x" }));
        await _core.CreateAsync(new NewDocument(Id: "plain", Owner: "alice", Acl: Acl.Shared));
    }

    public ValueTask DisposeAsync()
    {
        _core.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_rendition_is_a_plan_of_its_own_blob_named_and_typed_for_its_format()
    {
        var file = await _core.UploadAsync("depo", Json, "depo.json");

        var plan = (await _core.Renditions.ResolveAsync(Callers.Viewer, file.Id, RenditionFormat.Text, "ISO-8859-1", Token)).Value;

        var expected = Encoding.UTF8.GetBytes("txt/iso-8859-1/Doe v. Roe:").Concat(Json).ToArray();
        Assert.Equal(expected, _core.Blobs.Find(plan.BlobKey));
        Assert.Equal((file.Id, 1, expected.Length, "text/plain; charset=iso-8859-1", "depo.txt"), (plan.FileId, plan.Version, (int)plan.Length, plan.MediaType, plan.FileName));
        Assert.Equal(plan.BlobKey, plan.Sha256);
        Assert.NotEqual(file.Sha256, plan.Sha256);
        var rendition = Assert.Single(_core.RenditionStore.All);
        Assert.Equal(("depo", "txt", "iso-8859-1", plan.Sha256), (rendition.DocumentId, rendition.Key.Format, rendition.Key.Charset, rendition.Sha256));
    }

    [Fact]
    public async Task Concurrent_requests_for_the_same_rendition_render_it_once_and_later_ones_read_the_cache()
    {
        var file = await _core.UploadAsync("depo", Json, "depo.json");
        _core.Renderer.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var requests = Enumerable.Range(0, 8)
            .Select(_ => _core.Renditions.ResolveAsync(Callers.Viewer, file.Id, RenditionFormat.Pdf, null, Token))
            .ToList();
        await Task.Delay(100, Token);
        _core.Renderer.Hold.SetResult();
        var plans = await Task.WhenAll(requests);
        _core.Renderer.Hold = null;
        var later = await _core.Renditions.ResolveAsync(Callers.Viewer, file.Id, RenditionFormat.Pdf, null, Token);

        Assert.Equal(1, _core.Renderer.Calls);
        Assert.Single(plans.Select(p => p.Value).Append(later.Value).Distinct());
        Assert.Single(_core.RenditionStore.All);
    }

    [Fact]
    public async Task Two_nodes_asked_for_the_same_rendition_at_once_render_it_once()
    {
        var file = await _core.UploadAsync("depo", Json, "depo.json");
        var secondNode = new RenditionService(
            _core.Metadata, _core.Blobs, _core.RenditionStore, _core.Renderer, _core.Janitor, _core.Locks, _core.Files, _core.Downloads,
            _core.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<RenditionService>.Instance);
        _core.Renderer.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = _core.Renditions.ResolveAsync(Callers.Viewer, file.Id, RenditionFormat.Pdf, null, Token);
        var second = secondNode.ResolveAsync(Callers.Viewer, file.Id, RenditionFormat.Pdf, null, Token);
        await Task.Delay(100, Token);
        _core.Renderer.Hold.SetResult();
        var plans = await Task.WhenAll(first, second);

        Assert.Equal(1, _core.Renderer.Calls);
        Assert.Equal(plans[0].Value.BlobKey, plans[1].Value.BlobKey);
        Assert.Single(_core.RenditionStore.All);
    }

    [Fact]
    public async Task Each_format_charset_version_and_caption_is_a_rendition_of_its_own()
    {
        var file = await _core.UploadAsync("depo", Json, "depo.json");

        await _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Text, null, Token);
        await _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Text, "utf-8", Token);
        await _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Text, "klingon", Token); // falls back to UTF-8
        await _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Text, "us-ascii", Token);
        await _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Docx, "us-ascii", Token); // charset is for text only
        await _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Docx, null, Token);
        await _core.Documents.UpdateAsync(Callers.Admin, "depo", new DocumentPatch(Properties: new Dictionary<string, string?> { ["unrelated"] = "y" }), Token);
        await _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Docx, null, Token);
        await _core.Documents.UpdateAsync(Callers.Admin, "depo", new DocumentPatch(Properties: new Dictionary<string, string?> { ["caseName"] = "Doe v. Poe" }), Token);
        await _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Docx, null, Token);
        await _core.UploadAsync("depo", [.. Json, (byte)' '], "depo.json", index: 0);
        var plan = (await _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Docx, null, Token)).Value;

        Assert.Equal(5, _core.Renderer.Calls);
        Assert.Equal(2, plan.Version);
        Assert.StartsWith("docx//Doe v. Poe:", Encoding.UTF8.GetString(_core.Blobs.Find(plan.BlobKey)!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_transcript_is_planned_as_stored()
    {
        var file = await _core.UploadAsync("plain", Json, "data.json");
        var typed = await _core.UploadAsync("plain", Json, "rev.json", slot: "rev");
        await _core.Metadata.SaveFileAsync(typed with { MediaType = Transcripts.MediaType }, null, Token);

        var plan = (await _core.Renditions.ResolveAsync(Callers.Viewer, file.Id, RenditionFormat.Pdf, null, Token)).Value;
        var byMediaType = (await _core.Renditions.ResolveAsync(Callers.Viewer, typed.Id, RenditionFormat.Pdf, null, Token)).Value;

        Assert.Equal((file.Sha256, "data.json"), (plan.BlobKey, plan.FileName));
        Assert.Equal(("application/pdf", "rev.pdf"), (byMediaType.MediaType, byMediaType.FileName));
        Assert.Equal(1, _core.Renderer.Calls);
    }

    [Fact]
    public async Task Access_is_checked_before_anything_is_rendered()
    {
        var file = await _core.UploadAsync("depo", Json, "depo.json");

        var outcome = await _core.Renditions.ResolveAsync(Callers.Stranger, file.Id, RenditionFormat.Pdf, null, Token);

        Assert.IsType<Failure.NotFound>(outcome.Failure);
        Assert.Equal(0, _core.Renderer.Calls);
    }

    [Fact]
    public async Task A_transcript_that_fails_to_render_leaves_no_rendition_and_no_bytes_and_is_tried_again_next_time()
    {
        var file = await _core.UploadAsync("depo", "bad json"u8.ToArray(), "depo.json");
        var keys = _core.Blobs.Keys.ToList();

        var first = await _core.Renditions.ResolveAsync(Callers.Viewer, file.Id, RenditionFormat.Pdf, null, Token);
        var second = await _core.Renditions.ResolveAsync(Callers.Viewer, file.Id, RenditionFormat.Pdf, null, Token);

        Assert.Equal("$", Assert.IsType<Failure.Invalid>(first.Failure).Field);
        Assert.IsType<Failure.Invalid>(second.Failure);
        Assert.Equal(2, _core.Renderer.Calls);
        Assert.Empty(_core.RenditionStore.All);
        Assert.Equal(keys, _core.Blobs.Keys.ToList());
        Assert.Equal(0, _core.Blobs.Pending);
    }

    [Fact]
    public async Task Purging_a_document_drops_its_renditions_and_their_bytes()
    {
        var file = await _core.UploadAsync("depo", Json, "depo.json");
        var plan = (await _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Pdf, null, Token)).Value;

        await _core.Documents.DeleteAsync(Callers.Admin, "depo", purge: true, Token);

        Assert.Empty(_core.RenditionStore.All);
        Assert.Null(_core.Blobs.Find(plan.BlobKey));
        Assert.Null(_core.Blobs.Find(file.Sha256));
    }

    [Fact]
    public async Task Bytes_a_rendition_holds_outlive_the_purge_of_another_document_that_held_them_too()
    {
        var pdf = "%PDF-1.4 the very same bytes"u8.ToArray();
        var copy = await _core.UploadAsync("plain", pdf, "copy.pdf");
        _core.Renderer.Output = pdf;
        var file = await _core.UploadAsync("depo", Json, "depo.json");
        var plan = (await _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Pdf, null, Token)).Value;
        Assert.Equal(copy.Sha256, plan.BlobKey);

        await _core.Documents.DeleteAsync(Callers.Admin, "plain", purge: true, Token);

        Assert.Equal(pdf, _core.Blobs.Find(plan.BlobKey));

        await _core.Documents.DeleteAsync(Callers.Admin, "depo", purge: true, Token);
        Assert.Null(_core.Blobs.Find(plan.BlobKey));
    }

    [Fact]
    public async Task A_rendition_finished_after_its_version_was_purged_is_not_kept()
    {
        var file = await _core.UploadAsync("depo", Json, "depo.json");
        var keys = _core.Blobs.Keys.ToList();
        _core.Renderer.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var rendering = _core.Renditions.ResolveAsync(Callers.Admin, file.Id, RenditionFormat.Pdf, null, Token);
        await Task.Delay(50, Token);
        await _core.Documents.DeleteAsync(Callers.Admin, "depo", purge: true, Token);
        _core.Renderer.Hold.SetResult();

        Assert.IsType<Failure.Gone>((await rendering).Failure);
        Assert.Empty(_core.RenditionStore.All);
        Assert.Equal(keys.Where(k => k != file.Sha256), _core.Blobs.Keys.ToList());
    }
}
