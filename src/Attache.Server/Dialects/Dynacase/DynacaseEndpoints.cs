using System.Globalization;
using Attache.Core.Documents;
using Attache.Server.Auth;
using Attache.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Dialects.Dynacase;

/// <summary>
/// Dynacase's HTTP API for the files of document attributes (seed 003): a file's information as JSON, its download
/// through the URL that information gives, and the document with its visible attributes.
/// </summary>
internal static class DynacaseEndpoints
{
    public const string Name = "Dynacase";
    public const string DefaultPathBase = "/dynacase";

    /// <summary>Where a request's last segment ends with it, the format asked for, which wins over <c>Accept</c>.</summary>
    private const string JsonExtension = ".json";

    public static RouteGroupBuilder? MapDynacase(this WebApplication app)
    {
        var group = app.MapDialect(Name, DefaultPathBase, new DynacaseErrors());
        if (group is null)
        {
            return null;
        }

        app.Services.GetRequiredService<IAuthenticationSchemeProvider>()
            .AddScheme(new AuthenticationScheme(DynacaseAuthenticationHandler.SchemeName, null, typeof(DynacaseAuthenticationHandler)));
        group.RequireAuthorization(new AuthorizationPolicyBuilder(DynacaseAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());

        // The seed's paths, and the same under the released product's /api/v1.
        foreach (var api in (string[])["/api", "/api/v1"])
        {
            group.MapGet(api + "/documents/{docid}", GetDocumentAsync);
            group.MapGet(api + "/documents/{docid}/file/{attrid}", GetFileAsync);
            group.MapGet(api + "/documents/{docid}/file/{attrid}/{index}", GetFileAtIndexAsync);
        }

        group.MapMethods("/file/{docid}/{fileid}/{index}/{attrid}/{fileName}", [HttpMethods.Get, HttpMethods.Head], DownloadAsync);
        return group;
    }

    private static async Task<JsonHttpResult<DynacaseEnvelope>> GetDocumentAsync(
        string docid, HttpContext http, AttributeFileService files, CancellationToken cancellationToken)
    {
        docid = WithoutExtension(docid);
        var opened = await files.OpenAsync(http.Caller(), docid, cancellationToken);
        if (!opened.TryGetValue(out var view, out var failure))
        {
            return DynacaseErrors.ForDocument(failure, Shorten(docid));
        }

        var held = await files.ListAsync(view, cancellationToken);
        var urls = new DynacaseUrls(http.Request);
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var attribute in view.VisibleAttributes)
        {
            attributes[attribute.Id] = AttributeVisibility.HoldsFiles(attribute)
                ? FileValue(urls, attribute, held.Where(f => f.Attribute == attribute).ToList())
                : PlainValue(view.Document.Properties.GetValueOrDefault(attribute.Id), attribute.Multiple);
        }

        var document = view.Document;
        var properties = new DocumentProperties(
            document.Id, document.Id, document.Title, document.Kind, document.Owner, document.State ?? "", 0, 0,
            DynacaseJson.Date(document.Created), DynacaseJson.Date(document.Modified));
        return Ok(new DocumentData(new DocumentModel(urls.Document(document.Id), properties, attributes)));
    }

    private static Task<JsonHttpResult<DynacaseEnvelope>> GetFileAsync(
        string docid, string attrid, HttpContext http, AttributeFileService files, CancellationToken cancellationToken) =>
        FileInfoAsync(docid, WithoutExtension(attrid), null, http, files, cancellationToken);

    private static Task<JsonHttpResult<DynacaseEnvelope>> GetFileAtIndexAsync(
        string docid, string attrid, string index, HttpContext http, AttributeFileService files, CancellationToken cancellationToken) =>
        FileInfoAsync(docid, attrid, WithoutExtension(index), http, files, cancellationToken);

    private static async Task<JsonHttpResult<DynacaseEnvelope>> FileInfoAsync(
        string docid, string attributeOrFileId, string? index, HttpContext http, AttributeFileService files, CancellationToken cancellationToken)
    {
        var resolved = await ResolveAsync(docid, attributeOrFileId, index, http, files, cancellationToken);
        if (!resolved.TryGetValue(out var file, out var error))
        {
            return error;
        }

        var urls = new DynacaseUrls(http.Request);
        var stored = file.File;
        return Ok(new FileData(new FileInfoModel(
            urls.FileInfo(file), Reference(stored.MediaType, stored.Id, stored.FileName), stored.Size, stored.FileName, stored.MediaType,
            DynacaseJson.Date(stored.Created), DynacaseJson.Date(stored.Modified), urls.Download(file))));
    }

    private static async Task<Results<DownloadResult, JsonHttpResult<DynacaseEnvelope>>> DownloadAsync(
        string docid, string fileid, string index, string attrid, string? inline, HttpContext http, AttributeFileService files,
        CancellationToken cancellationToken)
    {
        var resolved = await ResolveAsync(docid, attrid, index, http, files, cancellationToken);
        if (!resolved.TryGetValue(out var file, out var error))
        {
            return error;
        }

        // The URL names the file it was made for: once the attribute holds another file, it no longer downloads.
        if (!string.Equals(file.File.Id, fileid, StringComparison.Ordinal))
        {
            return DynacaseErrors.Result(StatusCodes.Status404NotFound, DynacaseErrors.NoFile,
                $"File \"{fileid}\" is not in attribute \"{file.Attribute.Id}\" of document \"{file.View.Document.Id}\".");
        }

        var plan = await files.PlanAsync(file, cancellationToken);
        if (!plan.TryGetValue(out var download, out var failure))
        {
            return DynacaseErrors.ForFile(failure);
        }

        var disposition = inline is "yes" or "true" or "1" ? "inline" : "attachment";
        return new DownloadResult(download, new DownloadOptions { DispositionType = disposition });
    }

    /// <summary>
    /// Opens the document and finds the file; <paramref name="index"/> is the product's: absent or <c>-1</c> for a
    /// single-valued attribute, from 0 for a multi-valued one.
    /// </summary>
    private static async Task<ResolvedFile> ResolveAsync(
        string docid, string attributeOrFileId, string? index, HttpContext http, AttributeFileService files, CancellationToken cancellationToken)
    {
        int? at = null;
        if (index is not null)
        {
            if (!int.TryParse(index, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) || parsed < -1)
            {
                return DynacaseErrors.Result(StatusCodes.Status400BadRequest, DynacaseErrors.BadIndex,
                    $"Index \"{Shorten(index)}\" is not valid: it is -1 for a single value, from 0 for multiple values.");
            }

            at = parsed == -1 ? null : parsed;
        }

        var opened = await files.OpenAsync(http.Caller(), docid, cancellationToken);
        if (!opened.TryGetValue(out var view, out var failure))
        {
            return DynacaseErrors.ForDocument(failure, Shorten(docid));
        }

        // -1 names "no index", so on a multi-valued attribute it is the same mistake as leaving the index out.
        var resolved = await files.ResolveAsync(view, attributeOrFileId, at, cancellationToken);
        return resolved.TryGetValue(out var file, out failure) ? file : DynacaseErrors.ForFile(failure);
    }

    private static object FileValue(DynacaseUrls urls, AttributeDefinition attribute, IReadOnlyList<AttributeFile> held)
    {
        var values = held.Select(f => new FileAttributeValueModel(
                Reference(f.File.MediaType, f.File.Id, f.File.FileName), f.File.FileName, f.File.FileName, f.File.MediaType, f.File.Size,
                DynacaseJson.Date(f.File.Created), urls.Download(f)))
            .ToList();
        if (attribute.Multiple)
        {
            return values;
        }

        return values.Count == 0 ? new AttributeValueModel(null, null) : values[0];
    }

    private static object PlainValue(string? value, bool multiple) =>
        multiple ? (value is null ? [] : new[] { new AttributeValueModel(value, value) }) : new AttributeValueModel(value, value);

    /// <summary>The value a file attribute holds in the product: <c>mime|fileid|fileName</c>.</summary>
    private static string Reference(string mime, string fileId, string fileName) => $"{mime}|{fileId}|{fileName}";

    private static string WithoutExtension(string segment) =>
        segment.Length > JsonExtension.Length && segment.EndsWith(JsonExtension, StringComparison.OrdinalIgnoreCase)
            ? segment[..^JsonExtension.Length]
            : segment;

    private static string Shorten(string value) => value.Length > 64 ? value[..64] + "…" : value;

    private static JsonHttpResult<DynacaseEnvelope> Ok(object data) =>
        TypedResults.Json(DynacaseEnvelope.Ok(data), DynacaseJson.Options, DynacaseJson.ContentType, StatusCodes.Status200OK);

    /// <summary>Either the file or the error already worded.</summary>
    private readonly struct ResolvedFile
    {
        private readonly AttributeFile? _file;
        private readonly JsonHttpResult<DynacaseEnvelope>? _error;

        private ResolvedFile(AttributeFile? file, JsonHttpResult<DynacaseEnvelope>? error)
        {
            _file = file;
            _error = error;
        }

        public bool TryGetValue(out AttributeFile file, out JsonHttpResult<DynacaseEnvelope> error)
        {
            file = _file!;
            error = _error!;
            return _file is not null;
        }

        public static implicit operator ResolvedFile(AttributeFile file) => new(file, null);

        public static implicit operator ResolvedFile(JsonHttpResult<DynacaseEnvelope> error) => new(null, error);
    }

    /// <summary>
    /// Absolute URLs from the request's scheme, host and path base (which the forwarded headers set when they are
    /// switched on) and the dialect's own path base.
    /// </summary>
    private sealed class DynacaseUrls(HttpRequest request)
    {
        private readonly string _base = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, DialectBase(request));

        public string Document(string documentId) => $"{_base}/api/documents/{Segment(documentId)}";

        public string FileInfo(AttributeFile file) =>
            $"{Document(file.View.Document.Id)}/file/{Segment(file.Attribute.Id)}" + (file.Attribute.Multiple ? "/" + Index(file) : "");

        public string Download(AttributeFile file) =>
            $"{_base}/file/{Segment(file.View.Document.Id)}/{Segment(file.File.Id)}/{Index(file)}/{Segment(file.Attribute.Id)}/{Segment(file.File.FileName)}";

        private static string Index(AttributeFile file) =>
            file.Attribute.Multiple ? file.File.Index.ToString(CultureInfo.InvariantCulture) : "-1";

        private static string Segment(string value) => Uri.EscapeDataString(value);

        // The part of the path before this dialect's routes: its configured path base.
        private static string DialectBase(HttpRequest request) =>
            request.HttpContext.RequestServices.GetRequiredService<IConfiguration>()[$"Attache:Dialects:{Name}:PathBase"] ?? DefaultPathBase;
    }
}
