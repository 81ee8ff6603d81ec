using Attache.Core.Editing;

namespace Attache.Core.Ports;

/// <summary>
/// Where editor sessions are kept (Rev's "editor sessions" on a transcript). Implementations are thread-safe; each call
/// is one transaction.
/// </summary>
public interface IEditorSessionStore
{
    /// <summary>Inserts the session; false, and nothing written, when a session with that id exists.</summary>
    Task<bool> TryCreateAsync(EditorSession session, CancellationToken cancellationToken);

    /// <summary>The session with this id, open or closed, or null.</summary>
    Task<EditorSession?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the session's closing time unless it is already closed (the first close wins); returns the session as stored
    /// afterwards, or null when there is no session with that id.
    /// </summary>
    Task<EditorSession?> CloseAsync(string id, DateTimeOffset closed, CancellationToken cancellationToken);

    /// <summary>Every session of the file, open and closed, oldest opening first (then by id).</summary>
    Task<IReadOnlyList<EditorSession>> ListAsync(string fileId, CancellationToken cancellationToken);
}
