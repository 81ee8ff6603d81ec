using System.Globalization;
using Attache.Core.Editing;
using Attache.Core.Files;
using Attache.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Api;

/// <summary>An editor session on a file, as the native API shows it.</summary>
internal sealed record EditorSessionModel(string Id, string FileId, string Principal, DateTimeOffset Opened, DateTimeOffset? Closed)
{
    public static EditorSessionModel From(EditorSession session) =>
        new(session.Id, session.FileId, session.Principal, session.Opened, session.Closed);
}

internal sealed record EditorSessionListModel(IReadOnlyList<EditorSessionModel> Items);

/// <summary>
/// Editing a file in place: open and close editor sessions, and store an edited version under the file's id. Which
/// version readers get while sessions are open is the core's <see cref="StableVersions"/> rule.
/// </summary>
internal static class EditorSessionEndpoints
{
    public static void MapEditorSessions(this RouteGroupBuilder api)
    {
        api.MapPost("/files/{id}/editor-sessions", OpenAsync);
        api.MapGet("/files/{id}/editor-sessions", ListAsync);
        api.MapDelete("/files/{id}/editor-sessions/{sessionId}", CloseAsync);
        api.MapPut("/files/{id}/content", StoreVersionAsync);
    }

    private static async Task<Results<Created<EditorSessionModel>, ProblemHttpResult>> OpenAsync(
        string id, HttpContext http, EditorSessionService sessions, CancellationToken cancellationToken)
    {
        var opened = await sessions.OpenAsync(http.Caller(), id, cancellationToken);
        return opened.TryGetValue(out var session, out var failure)
            ? TypedResults.Created($"{NativeApiEndpoints.PathBase}/files/{Uri.EscapeDataString(session.FileId)}/editor-sessions/{session.Id}", EditorSessionModel.From(session))
            : failure.ToProblem();
    }

    private static async Task<Results<Ok<EditorSessionListModel>, ProblemHttpResult>> ListAsync(
        string id, HttpContext http, EditorSessionService sessions, CancellationToken cancellationToken)
    {
        var listed = await sessions.ListAsync(http.Caller(), id, cancellationToken);
        return listed.TryGetValue(out var list, out var failure)
            ? TypedResults.Ok(new EditorSessionListModel(list.Select(EditorSessionModel.From).ToList()))
            : failure.ToProblem();
    }

    private static async Task<Results<Ok<EditorSessionModel>, ProblemHttpResult>> CloseAsync(
        string id, string sessionId, HttpContext http, EditorSessionService sessions, CancellationToken cancellationToken)
    {
        var closed = await sessions.CloseAsync(http.Caller(), id, sessionId, cancellationToken);
        return closed.TryGetValue(out var session, out var failure) ? TypedResults.Ok(EditorSessionModel.From(session)) : failure.ToProblem();
    }

    /// <summary>The raw body becomes the file's next version, in the file's own slot and index.</summary>
    private static async Task<Results<Created<FileModel>, ProblemHttpResult>> StoreVersionAsync(
        string id, string? fileName, HttpRequest request, HttpContext http, FileService files, CancellationToken cancellationToken)
    {
        var found = await files.GetAsync(http.Caller(), id, cancellationToken);
        if (!found.TryGetValue(out var file, out var failure))
        {
            return failure.ToProblem();
        }

        if (file.IsRemoved)
        {
            return new Attache.Core.Failure.NotFound($"File '{id}' was not found.").ToProblem();
        }

        return await NativeUploads.UploadRawAsync(
            file.DocumentId, file.Slot, file.Index.ToString(CultureInfo.InvariantCulture), fileName, request, http, files, cancellationToken);
    }
}
