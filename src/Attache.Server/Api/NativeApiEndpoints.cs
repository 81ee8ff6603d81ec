using Attache.Core;
using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Files;
using Attache.Core.Ports;
using Attache.Core.Renditions;
using Attache.Server.Auth;
using Attache.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Api;

/// <summary>The native API under <c>/v1</c>: documents, files, versions and downloads. Errors are RFC 9457 problems.</summary>
internal static class NativeApiEndpoints
{
    public const string PathBase = "/v1";

    public static RouteGroupBuilder MapNativeApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(PathBase)
            .RequireAuthorization(AuthSchemes.NativePolicy)
            .AddEndpointFilter<CrossSiteCookieFilter>()
            .WithTags("native");

        api.MapPost("/documents", CreateDocumentAsync);
        api.MapGet("/documents", ListDocumentsAsync);
        api.MapGet("/documents/{id}", GetDocumentAsync);
        api.MapPatch("/documents/{id}", UpdateDocumentAsync);
        api.MapDelete("/documents/{id}", DeleteDocumentAsync);
        api.MapGet("/documents/{id}/files", ListFilesAsync);
        api.MapPost("/documents/{id}/files", NativeUploads.UploadMultipartAsync);
        api.MapPut("/documents/{id}/files/{slot}", NativeUploads.UploadRawAsync);
        api.MapPut("/documents/{id}/files/{slot}/{index}", NativeUploads.UploadRawAsync);

        api.MapImport();
        api.MapPrincipals();
        api.MapLinkIssuing();
        api.MapEditorSessions();
        api.MapAudit();

        api.MapGet("/files/{id}", GetFileAsync);
        api.MapDelete("/files/{id}", RemoveFileAsync);
        api.MapMethods("/files/{id}/content", [HttpMethods.Get, HttpMethods.Head], DownloadAsync);
        api.MapGet("/files/{id}/versions", ListVersionsAsync);
        api.MapMethods("/files/{id}/versions/{number}/content", [HttpMethods.Get, HttpMethods.Head], DownloadVersionAsync);
        return api;
    }

    private static async Task<Results<Created<DocumentModel>, ProblemHttpResult>> CreateDocumentAsync(
        CreateDocumentRequest request, HttpContext http, DocumentService documents, CancellationToken cancellationToken)
    {
        // JSON may carry nulls where the types admit none (list entries, map values, missing members); they pass through
        // unchanged so that the core's rules refuse each one naming its field.
        var input = new NewDocument(
            request.Id, request.Kind, request.Title, request.Owner, request.State, request.Folder, request.Properties, request.SourceUrl,
            AclOf(request.Acl),
            request.Attributes?.Select(a => a is null ? null! : new AttributeDefinition(a.Id, a.Type, a.Multiple, a.Visibility)).ToList());
        var outcome = await documents.CreateAsync(http.Caller(), input, cancellationToken);
        return outcome.TryGetValue(out var document, out var failure)
            ? TypedResults.Created($"{PathBase}/documents/{Uri.EscapeDataString(document.Id)}", DocumentModel.From(document))
            : failure.ToProblem();
    }

    private static async Task<Results<Ok<DocumentPageModel>, ProblemHttpResult>> ListDocumentsAsync(
        string? kind, string? owner, string? state, string? folder, string? cursor, int? limit, bool? includeDeleted,
        HttpContext http, DocumentService documents, CancellationToken cancellationToken)
    {
        var query = new DocumentQuery(kind, owner, state, folder, includeDeleted ?? false, cursor, limit ?? 100);
        var outcome = await documents.ListAsync(http.Caller(), query, cancellationToken);
        return outcome.TryGetValue(out var page, out var failure)
            ? TypedResults.Ok(new DocumentPageModel(page.Items.Select(DocumentModel.From).ToList(), page.NextCursor))
            : failure.ToProblem();
    }

    private static async Task<Results<Ok<DocumentModel>, ProblemHttpResult>> GetDocumentAsync(
        string id, HttpContext http, DocumentService documents, CancellationToken cancellationToken) =>
        ToOk(await documents.GetAsync(http.Caller(), id, cancellationToken), DocumentModel.From);

    private static async Task<Results<Ok<DocumentModel>, ProblemHttpResult>> UpdateDocumentAsync(
        string id, UpdateDocumentRequest request, HttpContext http, DocumentService documents, CancellationToken cancellationToken)
    {
        var patch = new DocumentPatch(request.Kind, request.Title, request.State, request.Folder, request.Properties, request.SourceUrl, AclOf(request.Acl));
        return ToOk(await documents.UpdateAsync(http.Caller(), id, patch, cancellationToken), DocumentModel.From);
    }

    private static List<AclEntry>? AclOf(List<AclEntryModel>? acl) =>
        acl?.Select(e => e is null ? null! : new AclEntry(e.Principal, e.Group, e.Permissions)).ToList();

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteDocumentAsync(
        string id, bool? purge, HttpContext http, DocumentService documents, CancellationToken cancellationToken)
    {
        var outcome = await documents.DeleteAsync(http.Caller(), id, purge ?? false, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure.ToProblem();
    }

    private static async Task<Results<Ok<FileListModel>, ProblemHttpResult>> ListFilesAsync(
        string id, HttpContext http, FileService files, CancellationToken cancellationToken) =>
        ToOk(await files.ListAsync(http.Caller(), id, cancellationToken), list => new FileListModel(list.Select(FileModel.From).ToList()));

    private static async Task<Results<Ok<FileModel>, ProblemHttpResult>> GetFileAsync(
        string id, HttpContext http, FileService files, CancellationToken cancellationToken) =>
        ToOk(await files.GetAsync(http.Caller(), id, cancellationToken), FileModel.From);

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveFileAsync(
        string id, HttpContext http, FileService files, CancellationToken cancellationToken)
    {
        var outcome = await files.RemoveAsync(http.Caller(), id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure.ToProblem();
    }

    private static async Task<Results<Ok<VersionListModel>, ProblemHttpResult>> ListVersionsAsync(
        string id, HttpContext http, FileService files, CancellationToken cancellationToken) =>
        ToOk(await files.ListVersionsAsync(http.Caller(), id, cancellationToken),
            list => new VersionListModel(list.Select(VersionModel.From).ToList()));

    private static async Task<Results<DownloadResult, ProblemHttpResult>> DownloadAsync(
        string id, string? disposition, HttpContext http, DownloadService downloads, RenditionService renditions, RenditionGate gate,
        CancellationToken cancellationToken) =>
        await NativeRenditions.ResolveAsync(http, id, downloads, renditions, gate, cancellationToken) is { } outcome
            ? ToDownload(outcome, disposition)
            : NativeRenditions.Busy(http);

    private static async Task<Results<DownloadResult, ProblemHttpResult>> DownloadVersionAsync(
        string id, string number, string? disposition, HttpContext http, DownloadService downloads, CancellationToken cancellationToken)
    {
        if (!int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            return new Failure.Invalid("The version number must be a whole number from 1.", "number").ToProblem();
        }

        return ToDownload(await downloads.ResolveAsync(http.Caller(), id, version, cancellationToken), disposition);
    }

    private static Results<DownloadResult, ProblemHttpResult> ToDownload(Outcome<DownloadPlan> outcome, string? disposition)
    {
        if (!outcome.TryGetValue(out var plan, out var failure))
        {
            return failure.ToProblem();
        }

        return disposition switch
        {
            null or "attachment" => new DownloadResult(plan, new DownloadOptions()),
            "inline" => new DownloadResult(plan, new DownloadOptions { DispositionType = "inline" }),
            _ => new Failure.Invalid("disposition must be 'attachment' or 'inline'.", "disposition").ToProblem(),
        };
    }

    private static Results<Ok<TModel>, ProblemHttpResult> ToOk<T, TModel>(Outcome<T> outcome, Func<T, TModel> map) =>
        outcome.TryGetValue(out var value, out var failure) ? TypedResults.Ok(map(value)) : failure.ToProblem();
}
