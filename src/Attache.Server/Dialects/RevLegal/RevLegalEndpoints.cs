using Attache.Core;
using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Editing;
using Attache.Core.Files;
using Attache.Core.Renditions;
using Attache.Server.Api;
using Attache.Server.Auth;
using Attache.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Dialects.RevLegal;

/// <summary>
/// Rev's legal transcription API (seed 002) under <c>/rev</c>: an attachment's content in the representation the client
/// negotiates, the attachment's metadata, and the order (job) that holds it. An attachment is a file; its order is the
/// file's document.
/// </summary>
internal static class RevLegalEndpoints
{
    public const string Name = "RevLegal";
    public const string DefaultPathBase = "/rev";

    private const string ApiPrefix = "/api/v1/";

    public static RouteGroupBuilder? MapRevLegal(this WebApplication app)
    {
        var rev = app.MapDialect(Name, DefaultPathBase, new RevLegalErrors());
        if (rev is null)
        {
            return null;
        }

        rev.AddEndpointFilter<RevAuthentication>();
        rev.MapMethods("/api/v1/attachments/{id}/content", [HttpMethods.Get, HttpMethods.Head], ContentAsync);
        rev.MapMethods("/api/v1/attachments/{id}/content.{extension}", [HttpMethods.Get, HttpMethods.Head], ContentAsync);
        rev.MapGet("/api/v1/attachments/{id}", AttachmentAsync);
        rev.MapGet("/api/v1/orders/{ordernum}", OrderAsync);
        return rev;
    }

    private static async Task<Results<DownloadResult, StatusCodeHttpResult>> ContentAsync(
        string id, string? extension, HttpContext http, EditorSessionService sessions, DownloadService downloads,
        RenditionService renditions, RenditionGate gate, CancellationToken cancellationToken)
    {
        // The representation depends on these headers, so shared caches must key on them.
        http.Response.Headers.Vary = "Accept, Accept-Charset";
        var caller = http.Caller();
        var found = await sessions.FindStableAsync(caller, id, cancellationToken);
        if (!found.TryGetValue(out var stable, out var failure))
        {
            return RevLegalErrors.ToResult(failure);
        }

        if (!RenditionService.IsTranscript(stable.File, stable.Document))
        {
            // Media and other attachments have one representation: what was stored.
            return extension is null
                ? Download(await downloads.ResolveAsync(caller, id, stable.Version, cancellationToken))
                : RevLegalErrors.NotAcceptable();
        }

        var chosen = RevRepresentations.Choose(RevRepresentations.Available(stable.Document), extension, http.Request.Headers.Accept);
        if (chosen is null)
        {
            return RevLegalErrors.NotAcceptable();
        }

        if (chosen.Rendition is null)
        {
            var stored = await downloads.ResolveAsync(caller, id, stable.Version, cancellationToken);
            return Download(stored.Map(plan => plan with
            {
                MediaType = chosen.MediaType,
                FileName = Path.ChangeExtension(plan.FileName, "." + chosen.Extension),
            }));
        }

        string? charset = null;
        if (chosen.Rendition == RenditionFormat.Text && (charset = RevRepresentations.ChooseCharset(http.Request.Headers.AcceptCharset)) is null)
        {
            return RevLegalErrors.NotAcceptable();
        }

        // The same cap as /v1's renditions: a burst through this dialect must not take every core either.
        using var turn = await gate.EnterAsync(cancellationToken);
        return turn.IsAcquired
            ? Download(await renditions.ResolveAsync(caller, id, chosen.Rendition, charset, stable.Version, cancellationToken))
            : RevLegalErrors.Busy(http);
    }

    private static async Task<Results<JsonHttpResult<RevAttachment>, StatusCodeHttpResult>> AttachmentAsync(
        string id, HttpContext http, FileService files, DocumentService documents, CancellationToken cancellationToken)
    {
        if (!RevRepresentations.Accepts(http.Request.Headers.Accept, "application/json"))
        {
            return RevLegalErrors.NotAcceptable();
        }

        var caller = http.Caller();
        var file = await files.GetAsync(caller, id, cancellationToken);
        if (!file.TryGetValue(out var stored, out var failure) || stored.IsRemoved)
        {
            return RevLegalErrors.ToResult(failure ?? new Failure.NotFound($"File '{id}' was removed."));
        }

        var document = await documents.GetAsync(caller, stored.DocumentId, cancellationToken);
        if (!document.TryGetValue(out var order, out failure) || order.IsDeleted)
        {
            return RevLegalErrors.ToResult(failure ?? new Failure.NotFound($"Document '{stored.DocumentId}' is deleted."));
        }

        return TypedResults.Json(Attachment(http, stored, order), RevJsonContext.Default.RevAttachment);
    }

    private static async Task<Results<JsonHttpResult<RevOrder>, StatusCodeHttpResult>> OrderAsync(
        string ordernum, HttpContext http, FileService files, DocumentService documents, CancellationToken cancellationToken)
    {
        if (!RevRepresentations.Accepts(http.Request.Headers.Accept, "application/json"))
        {
            return RevLegalErrors.NotAcceptable();
        }

        var caller = http.Caller();
        var document = await documents.GetAsync(caller, ordernum, cancellationToken);
        if (!document.TryGetValue(out var order, out var failure) || order.IsDeleted)
        {
            return RevLegalErrors.ToResult(failure is null or Failure.Invalid ? new Failure.NotFound($"Order '{ordernum}' was not found.") : failure);
        }

        var listed = await files.ListAsync(caller, order.Id, cancellationToken);
        if (!listed.TryGetValue(out var attachments, out failure))
        {
            return RevLegalErrors.ToResult(failure);
        }

        var present = attachments.Where(f => !f.IsRemoved).ToList();
        var complete = present.Any(f => RenditionService.IsTranscript(f, order) && f.State == UploadState.ReadyForDownloadFromServerToClient);
        return TypedResults.Json(
            new RevOrder(order.Id, complete ? "Complete" : "In Progress", present.Select(f => Attachment(http, f, order)).ToList()),
            RevJsonContext.Default.RevOrder);
    }

    private static RevAttachment Attachment(HttpContext http, StoredFile file, Document document)
    {
        var path = http.Request.Path.Value ?? "";
        var mount = path[..Math.Max(0, path.IndexOf(ApiPrefix, StringComparison.OrdinalIgnoreCase))];
        var href = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{mount}{ApiPrefix}attachments/{Uri.EscapeDataString(file.Id)}/content";
        var kind = RenditionService.IsTranscript(file, document) ? "transcript" : "media";
        return new RevAttachment(kind, file.FileName, file.Id, [new RevLink("content", href)]);
    }

    private static Results<DownloadResult, StatusCodeHttpResult> Download(Outcome<DownloadPlan> outcome) =>
        outcome.TryGetValue(out var plan, out var failure)
            ? new DownloadResult(plan, DownloadOptions.Default)
            : RevLegalErrors.ToResult(failure);
}
