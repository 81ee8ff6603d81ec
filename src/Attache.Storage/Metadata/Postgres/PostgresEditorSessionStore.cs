using Attache.Core.Editing;
using Attache.Core.Ports;
using Npgsql;
using static Attache.Storage.Metadata.Postgres.PostgresDatabase;

namespace Attache.Storage.Metadata.Postgres;

/// <summary><see cref="IEditorSessionStore"/> in the <c>editor_sessions</c> table of the shared PostgreSQL database.</summary>
public sealed class PostgresEditorSessionStore(PostgresDatabase database) : IEditorSessionStore
{
    private const string Columns = "id, file_id, principal, opened, closed";

    public async Task<bool> TryCreateAsync(EditorSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = Command(connection, $"""
            INSERT INTO editor_sessions ({Columns}) VALUES (@id, @file_id, @principal, @opened, @closed)
            ON CONFLICT DO NOTHING;
            """);
        AddText(insert, "id", session.Id);
        AddText(insert, "file_id", session.FileId);
        AddText(insert, "principal", session.Principal);
        AddTime(insert, "opened", session.Opened);
        AddTime(insert, "closed", session.Closed);
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<EditorSession?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindAsync(connection, id, cancellationToken);
    }

    public async Task<EditorSession?> CloseAsync(string id, DateTimeOffset closed, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var update = Command(connection, "UPDATE editor_sessions SET closed = @closed WHERE id = @id AND closed IS NULL;"))
        {
            AddText(update, "id", id);
            AddTime(update, "closed", closed);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        // A statement of its own, so that a close another node won first is what is returned.
        return await FindAsync(connection, id, cancellationToken);
    }

    public async Task<IReadOnlyList<EditorSession>> ListAsync(string fileId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {Columns} FROM editor_sessions WHERE file_id = @file_id ORDER BY opened, id;");
        AddText(command, "file_id", fileId);
        return await ReadAllAsync(command, Read, cancellationToken);
    }

    private static async Task<EditorSession?> FindAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"SELECT {Columns} FROM editor_sessions WHERE id = @id;");
        AddText(command, "id", id);
        var found = await ReadAllAsync(command, Read, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    private static EditorSession Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        FileId = reader.GetString(1),
        Principal = reader.GetString(2),
        Opened = Time(reader, 3),
        Closed = NullableTime(reader, 4),
    };
}
