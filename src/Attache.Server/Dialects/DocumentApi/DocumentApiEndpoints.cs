using System.Globalization;
using Attache.Core;
using Attache.Core.Documents;
using Attache.Core.Downloads;
using Attache.Core.Files;
using Attache.Core.Links;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Attache.Server.Auth;
using Attache.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.StaticFiles;

namespace Attache.Server.Dialects.DocumentApi;

/// <summary>
/// The Document API dialect: client credentials exchanged for a user's token, presigned and direct downloads of a
/// document's file, and the two calls that find documents. Every answer is <c>{statusCode, data, message}</c>.
/// </summary>
internal sealed class DocumentApiEndpoints(DocumentApiOptions options, DocumentApiTokens tokens)
{
    /// <summary>The query parameter of a presigned URL that holds its signed token.</summary>
    public const string SignatureParameter = "signature";

    private const int MaxFingerprintLength = 512;
    private static readonly string[] UserTextFields = ["first_name", "last_name", "group_name"];
    private static readonly FileExtensionContentTypeProvider MediaTypes = new();

    // Types with several extensions in the provider's table (text/plain: .asm, .bas, .c, …; image/jpeg: .jfif, .jpe, …)
    // take the one people expect; the rest take the provider's first.
    private static readonly Dictionary<string, string> UsualExtensions = new(StringComparer.Ordinal)
    {
        ["text/plain"] = ".txt",
        ["image/jpeg"] = ".jpg",
        ["text/html"] = ".html",
        ["image/tiff"] = ".tif",
    };

    private static readonly DownloadOptions DirectDownload = new() { CacheControl = "no-cache" };

    // A presigned URL is a credential: kept out of caches and of the Referer of anything the content links to.
    private static readonly DownloadOptions PresignedDownload = new()
    {
        CacheControl = "private, no-store",
        ExtraHeaders = response => response.Headers["Referrer-Policy"] = "no-referrer",
    };

    public static RouteGroupBuilder? Map(WebApplication app)
    {
        var group = app.MapDialect(DocumentApiOptions.Name, DocumentApiOptions.DefaultPathBase, new DocumentApiErrorWriter());
        if (group is null)
        {
            return null;
        }

        var options = DocumentApiOptions.Read(
            app.Configuration, app.Services.GetRequiredService<AccessTokenOptions>(), app.Services.GetRequiredService<LinkLifetimes>());
        var api = new DocumentApiEndpoints(options, DocumentApiTokens.Create(app.Services, options));
        group.AllowAnonymous();
        group.MapPost("/generate-client-auth-token", api.GenerateTokenAsync);
        group.MapPost("/download", api.PresignAsync);
        group.MapMethods("/download", [HttpMethods.Get, HttpMethods.Head], api.DownloadWithoutIdAsync);
        group.MapMethods("/download/{document_id}", [HttpMethods.Get, HttpMethods.Head], api.DownloadAsync);
        group.MapPost("/get-documents", api.GetDocumentsAsync);
        group.MapPost("/get-document-details", api.GetDocumentDetailsAsync);
        return group;
    }

    private async Task<Results<JsonHttpResult<Envelope<AccessTokenData>>, JsonHttpResult<Envelope<EmptyData>>>> GenerateTokenAsync(
        HttpContext http, PrincipalService principals, ClientUsers users, CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadAsync(http.Request, cancellationToken);
        if (body.Error is { } unreadable)
        {
            return unreadable;
        }

        var clientId = JsonBody.Text(body.Member("client_id"));
        var secret = JsonBody.Text(body.Member("client_secret"));
        var fingerprint = JsonBody.Text(body.Member("fingerprint"));
        var user = body.Member("user");
        var email = JsonBody.Text(JsonBody.Member(user, "email"));
        var missing = clientId is null ? "Client ID is required"
            : secret is null ? "Client secret is required"
            : fingerprint is null ? "Fingerprint is required"
            : user is not { ValueKind: System.Text.Json.JsonValueKind.Object } ? "User is required"
            : email is null ? "User email is required"
            : null;
        if (missing is not null)
        {
            return DocumentApiErrors.Error(DocumentApiErrors.MissingParameters, missing);
        }

        var check = await principals.CheckClientAsync(clientId!, secret!, cancellationToken);
        if (check.RetryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return DocumentApiErrors.Error(StatusCodes.Status429TooManyRequests, "TOO_MANY_REQUESTS");
        }

        if (check.Principal is not { Kind: PrincipalKinds.Client } client)
        {
            return DocumentApiErrors.Forbidden();
        }

        if (fingerprint!.Length > MaxFingerprintLength || fingerprint.Any(char.IsControl))
        {
            return DocumentApiErrors.Error(DocumentApiErrors.Validation, $"1. Invalid fingerprint: at most {MaxFingerprintLength} characters, without control characters");
        }

        var textFields = UserTextFields.Select(name => JsonBody.Member(user, name));
        if (textFields.Any(f => f is { ValueKind: not (System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Null) }))
        {
            return DocumentApiErrors.Error(DocumentApiErrors.Validation, "1. user.first_name, user.last_name and user.group_name must be strings");
        }

        var person = new ClientUser(
            JsonBody.Text(JsonBody.Member(user, "first_name")),
            JsonBody.Text(JsonBody.Member(user, "last_name")),
            email!,
            JsonBody.Text(JsonBody.Member(user, "group_name")));
        var upserted = await users.UpsertAsync(client, person, cancellationToken);
        if (!upserted.TryGetValue(out var principal, out var failure))
        {
            return failure switch
            {
                Failure.Invalid invalid => DocumentApiErrors.Error(DocumentApiErrors.Validation, "1. " + invalid.Message),
                Failure.Forbidden => DocumentApiErrors.Error(DocumentApiErrors.AccessDenied, "ACCESS_DENIED"),
                _ => throw new InvalidOperationException($"Could not create or update the client's user: {failure}"),
            };
        }

        var issued = await tokens.IssueAsync(principal, client, fingerprint, cancellationToken);
        return DocumentApiErrors.Ok(new AccessTokenData(issued.Token));
    }

    private async Task<Results<JsonHttpResult<Envelope<DownloadUrlData>>, JsonHttpResult<Envelope<EmptyData>>>> PresignAsync(
        HttpContext http, PrimaryFiles primaryFiles, LinkService links, CancellationToken cancellationToken)
    {
        if (await tokens.AuthenticateAsync(http, cancellationToken) is not { } caller)
        {
            return DocumentApiErrors.Forbidden();
        }

        using var body = await JsonBody.ReadAsync(http.Request, cancellationToken);
        if (body.Error is { } unreadable)
        {
            return unreadable;
        }

        if (JsonBody.Text(body.Member("document_id")) is not { } documentId)
        {
            return DocumentApiErrors.Error(DocumentApiErrors.MissingParameters, DocumentApiErrors.DocumentIdRequired);
        }

        var found = await primaryFiles.FindAsync(caller, documentId, cancellationToken);
        if (!found.TryGetValue(out var pair, out var failure))
        {
            return DocumentApiErrors.ForDocument(failure);
        }

        var issued = await links.IssueAsync(caller, pair.File.Id, (long)options.DownloadUrlLifetime.TotalSeconds, cancellationToken);
        if (!issued.TryGetValue(out var link, out failure))
        {
            return DocumentApiErrors.ForDocument(failure);
        }

        // The URL is this very path with the document's id appended, so it follows the dialect wherever it is mounted.
        var request = http.Request;
        var self = (request.PathBase + request.Path).Value!.TrimEnd('/');
        var url = $"{request.Scheme}://{request.Host}{self}/{Uri.EscapeDataString(pair.Document.Id)}?{SignatureParameter}={link.Token}";
        return DocumentApiErrors.Ok(new DownloadUrlData(url));
    }

    private async Task<JsonHttpResult<Envelope<EmptyData>>> DownloadWithoutIdAsync(HttpContext http, CancellationToken cancellationToken) =>
        await tokens.AuthenticateAsync(http, cancellationToken) is null
            ? DocumentApiErrors.Forbidden()
            : DocumentApiErrors.Error(DocumentApiErrors.MissingParameters, DocumentApiErrors.DocumentIdRequired);

    private async Task<Results<DownloadResult, JsonHttpResult<Envelope<EmptyData>>>> DownloadAsync(
        string document_id, HttpContext http, PrimaryFiles primaryFiles, DownloadService downloads, LinkService links,
        CancellationToken cancellationToken)
    {
        if (http.Request.Query.ContainsKey(SignatureParameter))
        {
            return await PresignedDownloadAsync(document_id, http, links, cancellationToken);
        }

        if (await tokens.AuthenticateAsync(http, cancellationToken) is not { } caller)
        {
            return DocumentApiErrors.Forbidden();
        }

        // A blank id in the path is as missing as a blank one in a body.
        if (string.IsNullOrWhiteSpace(document_id))
        {
            return DocumentApiErrors.Error(DocumentApiErrors.MissingParameters, DocumentApiErrors.DocumentIdRequired);
        }

        var found = await primaryFiles.FindAsync(caller, document_id, cancellationToken);
        if (!found.TryGetValue(out var pair, out var failure))
        {
            return DocumentApiErrors.ForDocument(failure);
        }

        var plan = await downloads.ResolveAsync(caller, pair.File.Id, null, cancellationToken);
        return plan.TryGetValue(out var resolved, out failure)
            ? new DownloadResult(Presented(resolved), DirectDownload)
            : DocumentApiErrors.ForDocument(failure);
    }

    /// <summary>
    /// A presigned URL: the signature alone is the credential, and it must be exactly what was issued, for this document.
    /// Tampered, expired, or moved to another document's URL, it is 403 like any refused credential.
    /// </summary>
    private static async Task<Results<DownloadResult, JsonHttpResult<Envelope<EmptyData>>>> PresignedDownloadAsync(
        string documentId, HttpContext http, LinkService links, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        if (query.Count != 1 || query[SignatureParameter] is not [{ } signature])
        {
            return DocumentApiErrors.Forbidden();
        }

        var outcome = await links.ResolveAsync(signature, Callers.Origin(http), cancellationToken);
        if (!outcome.TryGetValue(out var plan, out var failure))
        {
            return failure is Failure.NotFound ? DocumentApiErrors.ForDocument(failure) : DocumentApiErrors.Forbidden();
        }

        return plan.Audit?.DocumentId == documentId
            ? new DownloadResult(Presented(plan), PresignedDownload)
            : DocumentApiErrors.Forbidden();
    }

    private async Task<Results<JsonHttpResult<Envelope<IReadOnlyList<DocumentModel>>>, JsonHttpResult<Envelope<EmptyData>>>> GetDocumentsAsync(
        HttpContext http, DocumentService documents, PrimaryFiles primaryFiles, CancellationToken cancellationToken)
    {
        if (await tokens.AuthenticateAsync(http, cancellationToken) is not { } caller)
        {
            return DocumentApiErrors.Forbidden();
        }

        using var body = await JsonBody.ReadAsync(http.Request, cancellationToken);
        if (body.Error is { } unreadable)
        {
            return unreadable;
        }

        if (JsonBody.Text(body.Member("collection_id")) is not { } collection)
        {
            return DocumentApiErrors.Error(DocumentApiErrors.MissingParameters, "Collection ID is required");
        }

        var items = new List<DocumentModel>();
        string? cursor = null;
        do
        {
            var page = await documents.ListAsync(caller, new DocumentQuery(After: cursor, Limit: DocumentService.MaxPageSize), cancellationToken);
            if (!page.TryGetValue(out var found, out var failure))
            {
                throw new InvalidOperationException($"Listing documents answered {failure}.");
            }

            foreach (var document in found.Items.Where(d => d.Acl.Any(e => e.Group == collection)))
            {
                items.Add(Describe(document, collection, await primaryFiles.OfAsync(document, cancellationToken)));
            }

            cursor = found.NextCursor;
        }
        while (cursor is not null);

        return DocumentApiErrors.Ok<IReadOnlyList<DocumentModel>>(items);
    }

    private async Task<Results<JsonHttpResult<Envelope<DocumentModel>>, JsonHttpResult<Envelope<EmptyData>>>> GetDocumentDetailsAsync(
        HttpContext http, DocumentService documents, PrimaryFiles primaryFiles, CancellationToken cancellationToken)
    {
        if (await tokens.AuthenticateAsync(http, cancellationToken) is not { } caller)
        {
            return DocumentApiErrors.Forbidden();
        }

        using var body = await JsonBody.ReadAsync(http.Request, cancellationToken);
        if (body.Error is { } unreadable)
        {
            return unreadable;
        }

        if (JsonBody.Text(body.Member("document_id")) is not { } documentId)
        {
            return DocumentApiErrors.Error(DocumentApiErrors.MissingParameters, DocumentApiErrors.DocumentIdRequired);
        }

        var found = await documents.GetAsync(caller, documentId, cancellationToken);
        if (!found.TryGetValue(out var document, out var failure) || document.IsDeleted)
        {
            return DocumentApiErrors.ForDocument(failure ?? AccessControl.NotFound(documentId));
        }

        // The collection shown is a group of the document's ACL, preferring one the caller is in.
        var groups = document.Acl.Select(e => e.Group).OfType<string>().ToList();
        var collection = groups.FirstOrDefault(caller.Groups.Contains) ?? groups.FirstOrDefault() ?? "";
        return DocumentApiErrors.Ok(Describe(document, collection, await primaryFiles.OfAsync(document, cancellationToken)) with { AssociatedPlans = [] });
    }

    private static DocumentModel Describe(Document document, string collection, StoredFile? file)
    {
        var ready = file is { State: UploadState.ReadyForDownloadFromServerToClient, CurrentVersion: not null } ? file : null;
        var properties = document.Properties;
        return new DocumentModel
        {
            DocumentId = document.Id,
            DocumentName = document.Title.Length > 0 ? document.Title : document.Id,
            DocumentDescription = properties.GetValueOrDefault("description"),
            DocumentType = TypeOf(ready is null ? null : MediaTypeOf(ready.MediaType, ready.FileName), ready?.FileName ?? document.SourceUrl),
            DocumentPriority = properties.GetValueOrDefault("priority"),
            CollectionId = collection,
            DocumentFilePath = ready is null ? null : FileNameWithExtension(ready.FileName, MediaTypeOf(ready.MediaType, ready.FileName)),
            DocumentUrl = document.SourceUrl,
            DocumentTags = properties.GetValueOrDefault("tags")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
            CreatedAt = Timestamp(document.Created),
            UpdatedAt = Timestamp(document.Modified),
            CollectionName = collection.Length > 0 ? collection : null,
        };
    }

    /// <summary>The product's document types: PDF, DOCX, TXT, IMG or OTHER.</summary>
    private static string TypeOf(string? mediaType, string? name)
    {
        mediaType ??= name is null ? null : Guess(name);
        return mediaType switch
        {
            "application/pdf" => "PDF",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "DOCX",
            "text/plain" => "TXT",
            { } image when image.StartsWith("image/", StringComparison.Ordinal) => "IMG",
            _ => "OTHER",
        };
    }

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The stored media type, or when none was known (octet-stream), the one the file name's extension gives.</summary>
    private static string MediaTypeOf(string stored, string fileName)
    {
        var bare = stored.Split(';', 2)[0].Trim();
        return bare.Length > 0 && !bare.Equals(FileService.DefaultMediaType, StringComparison.OrdinalIgnoreCase)
            ? stored
            : Guess(fileName) ?? FileService.DefaultMediaType;
    }

    private static string? Guess(string name)
    {
        var path = Uri.TryCreate(name, UriKind.Absolute, out var uri) ? uri.AbsolutePath : name;
        return MediaTypes.TryGetContentType(path, out var type) ? type : null;
    }

    /// <summary>A download's name carries the extension of its type when it has none of its own (e.g. "report" → "report.pdf").</summary>
    private static string FileNameWithExtension(string fileName, string mediaType)
    {
        if (Path.HasExtension(fileName))
        {
            return fileName;
        }

        var bare = mediaType.Split(';', 2)[0].Trim().ToLowerInvariant();
        var extension = UsualExtensions.GetValueOrDefault(bare)
            ?? MediaTypes.Mappings.Where(m => m.Value == bare).Select(m => m.Key).Order(StringComparer.Ordinal).FirstOrDefault();
        return extension is null ? fileName : fileName + extension;
    }

    private static DownloadPlan Presented(DownloadPlan plan)
    {
        var mediaType = MediaTypeOf(plan.MediaType, plan.FileName);
        return plan with { MediaType = mediaType, FileName = FileNameWithExtension(plan.FileName, mediaType) };
    }
}

internal static class DocumentApiMounting
{
    /// <summary>Mounts the dialect at <c>Attache:Dialects:DocumentApi:PathBase</c> (default <c>/docapi</c>) unless it is switched off.</summary>
    public static RouteGroupBuilder? MapDocumentApi(this WebApplication app) => DocumentApiEndpoints.Map(app);
}
