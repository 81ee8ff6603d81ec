using System.Globalization;
using System.Text;
using Attache.Core.Dictations;
using Attache.Core.Ports;
using Attache.Core.Principals;
using Attache.Server.Auth;
using Attache.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Dialects.SpeechExec;

/// <summary>
/// Philips SpeechExec Enterprise's App Interface, <c>/dms</c> endpoints (seed 000): the author users, their dictations,
/// and a dictation's attached document, for DMS integrations holding a server key in <c>x-sps-api-key</c>.
/// </summary>
internal static class SpeechExecEndpoints
{
    public const string Name = "SpeechExec";
    public const string DefaultPathBase = "/SEEAppInterface";
    public const string DefaultEnterpriseGroup = "enterprise";

    /// <summary>Authors are all "author" users to the product (0; 1 would be a transcriptionist).</summary>
    private const int AuthorRole = 0;

    private static readonly object CallerKey = new();

    private static readonly DownloadOptions AttachmentDownload = new()
    {
        DispositionType = "see_dictation_attachment",
        ContentType = "application/octet-stream",
        FileNameStyle = FileNameStyle.UnquotedToken,
    };

    public static RouteGroupBuilder? MapSpeechExec(this WebApplication app)
    {
        var group = app.MapDialect(Name, DefaultPathBase, new SpeechExecDialectErrors());
        if (group is null)
        {
            return null;
        }

        var section = app.Configuration.GetSection($"Attache:Dialects:{Name}");
        var enterpriseGroup = section["EnterpriseGroup"] ?? DefaultEnterpriseGroup;
        if (!PrincipalRules.IsValidName(enterpriseGroup))
        {
            throw new InvalidOperationException($"Attache:Dialects:{Name}:EnterpriseGroup is a group name, which " + PrincipalRules.NameRuleTail);
        }

        var grant = new ServiceGrant(DictationModel.Kind, enterpriseGroup);
        var keys = new SpeechExecKeys(SpeechExecKeys.HashesOf(section.GetSection("ApiKeys")), app.Services.GetRequiredService<IPrincipalStore>());
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var cri = Cri.Of(http);
            if (!await keys.AcceptsAsync(http.Request.Headers[SpeechExecKeys.Header], http.RequestAborted))
            {
                return new SpeechExecError(StatusCodes.Status401Unauthorized, FailureCodes.InvalidApiKey);
            }

            http.Items[CallerKey] = Caller.ServerKey(Name, grant, Callers.Origin(http) with { CorrelationId = cri });
            return await next(context);
        });

        group.MapGet("/dms/users", ListUsersAsync);
        group.MapGet("/dms/dictations", ListAllDictationsAsync);
        group.MapGet("/dms/dictations/{authorName}", ListDictationsAsync);
        group.MapMethods("/dms/dictations/{authorName}/{dictationId}/attachment", [HttpMethods.Get, HttpMethods.Head], DownloadAttachmentAsync);
        group.MapMethods("/dms/dictations/{**rest}", [HttpMethods.Get, HttpMethods.Head], EmptyAuthorName);
        return group;
    }

    private static Caller CallerOf(HttpContext http) => (Caller)http.Items[CallerKey]!;

    private static async Task<Results<DownloadResult, SpeechExecError>> DownloadAttachmentAsync(
        string authorName, string dictationId, HttpContext http, DictationService dictations, CancellationToken cancellationToken)
    {
        if (AuthorNameOf(authorName) is not { } name)
        {
            return new SpeechExecError(StatusCodes.Status400BadRequest, FailureCodes.UsernameNotValid);
        }

        if (!Guid.TryParse(dictationId, out var id))
        {
            return new SpeechExecError(StatusCodes.Status400BadRequest, FailureCodes.IdNotValid);
        }

        var caller = CallerOf(http);
        if (!(await dictations.FindAuthorAsync(caller, name, cancellationToken)).TryGetValue(out var author, out var failure))
        {
            return SpeechExecError.Of(failure, FailureCodes.DictationIdNotFound);
        }

        if (!(await dictations.FindFinishedAsync(caller, author, id, cancellationToken)).TryGetValue(out var dictation, out failure))
        {
            return SpeechExecError.Of(failure, FailureCodes.DictationIdNotFound);
        }

        return (await dictations.ResolveAttachmentAsync(dictation, cancellationToken)).TryGetValue(out var plan, out failure)
            ? new DownloadResult(plan, AttachmentDownload)
            : SpeechExecError.Of(failure, FailureCodes.AttachmentNotFound);
    }

    /// <summary>
    /// A route parameter never matches an empty segment, so <c>/dms/dictations//{id}/attachment</c> lands here: the
    /// seed's empty AuthorName; so does an empty DictationID (<c>/dms/dictations/{name}//attachment</c>), which is no
    /// GUID, checked after the name as on the full path. Any other path is not one of the dialect's.
    /// </summary>
    private static SpeechExecError EmptyAuthorName(string? rest) => rest?.Split('/') switch
    {
        ["", ""] or ["", _, "attachment"] => new(StatusCodes.Status400BadRequest, FailureCodes.UsernameNotValid),
        [var author, "", "attachment"] => AuthorNameOf(author) is null
            ? new(StatusCodes.Status400BadRequest, FailureCodes.UsernameNotValid)
            : new(StatusCodes.Status400BadRequest, FailureCodes.IdNotValid),
        _ => new(StatusCodes.Status404NotFound, FailureCodes.GenericError),
    };

    private static async Task<JsonHttpResult<UsersResponse>> ListUsersAsync(
        HttpContext http, DictationService dictations, CancellationToken cancellationToken)
    {
        var authors = await dictations.ListAuthorsAsync(CallerOf(http), cancellationToken);
        return TypedResults.Json(new UsersResponse(Cri.Of(http), authors.Select(a => new UserItem(a.Name)).ToList()), SpeechExecJson.Wire.UsersResponse);
    }

    private static async Task<Results<JsonHttpResult<DictationsResponse>, SpeechExecError>> ListDictationsAsync(
        string authorName, HttpContext http, DictationService dictations, CancellationToken cancellationToken)
    {
        if (AuthorNameOf(authorName) is not { } name)
        {
            return new SpeechExecError(StatusCodes.Status400BadRequest, FailureCodes.UsernameNotValid);
        }

        var caller = CallerOf(http);
        if (!(await dictations.FindAuthorAsync(caller, name, cancellationToken)).TryGetValue(out var author, out var failure))
        {
            return SpeechExecError.Of(failure, FailureCodes.UserNotExists);
        }

        var data = new[] { await DictationsOfAsync(caller, author, dictations, cancellationToken) };
        return TypedResults.Json(new DictationsResponse(Cri.Of(http), data), SpeechExecJson.Wire.DictationsResponse);
    }

    private static async Task<JsonHttpResult<DictationsResponse>> ListAllDictationsAsync(
        HttpContext http, DictationService dictations, CancellationToken cancellationToken)
    {
        var caller = CallerOf(http);
        var data = new List<UserDictations>();
        foreach (var author in await dictations.ListAuthorsAsync(caller, cancellationToken))
        {
            data.Add(await DictationsOfAsync(caller, author, dictations, cancellationToken));
        }

        return TypedResults.Json(new DictationsResponse(Cri.Of(http), data), SpeechExecJson.Wire.DictationsResponse);
    }

    private static async Task<UserDictations> DictationsOfAsync(Caller caller, Principal author, DictationService dictations, CancellationToken cancellationToken)
    {
        var entries = await dictations.ListAsync(caller, author, cancellationToken);
        return new UserDictations(author.Name, AuthorRole, entries.Select(CacheItemOf).OfType<CacheItem>().ToList());
    }

    /// <summary>
    /// The product's view of a dictation; null for one it could not describe: an id that is not a GUID in its canonical
    /// form (no DictationID would reach it), or a state the product has no number for.
    /// </summary>
    private static CacheItem? CacheItemOf(DictationEntry entry)
    {
        var document = entry.Document;
        if (!Guid.TryParseExact(document.Id, "D", out var id) || DictationModel.DocumentId(id) != document.Id
            || DictationStates.Number(document.State) is not { } state)
        {
            return null;
        }

        var attachment = entry.Attachment;
        var changed = attachment is not null && attachment.Modified > document.Modified ? attachment.Modified : document.Modified;
        return new CacheItem(
            document.Id,
            entry.Audio?.FileName ?? (attachment is null ? "" : Path.GetFileNameWithoutExtension(attachment.FileName)),
            state,
            attachment is not null,
            document.Folder == DictationModel.ArchiveFolder,
            document.Properties.GetValueOrDefault("subfolderHierarchy") ?? "",
            changed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
    }

    /// <summary>The author's name in NFC when it could be a principal's name at all; null otherwise (empty, spaces, a slash, …).</summary>
    private static string? AuthorNameOf(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Any(char.IsSurrogate))
        {
            return null;
        }

        var name = value.Normalize(NormalizationForm.FormC);
        return PrincipalRules.IsValidName(name) ? name : null;
    }
}
