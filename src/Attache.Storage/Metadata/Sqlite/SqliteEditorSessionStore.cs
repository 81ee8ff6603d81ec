using Attache.Core.Editing;
using Attache.Core.Ports;
using Microsoft.Data.Sqlite;
using static Attache.Storage.Metadata.Sqlite.SqliteDatabase;

namespace Attache.Storage.Metadata.Sqlite;

/// <summary><see cref="IEditorSessionStore"/> in the <c>editor_sessions</c> table of the shared SQLite file.</summary>
public sealed class SqliteEditorSessionStore(SqliteDatabase database) : IEditorSessionStore
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
        insert.Parameters.AddWithValue("@id", session.Id);
        insert.Parameters.AddWithValue("@file_id", session.FileId);
        insert.Parameters.AddWithValue("@principal", session.Principal);
        insert.Parameters.AddWithValue("@opened", Time(session.Opened));
        insert.Parameters.AddWithValue("@closed", Nullable(Time(session.Closed)));
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
            update.Parameters.AddWithValue("@id", id);
            update.Parameters.AddWithValue("@closed", Time(closed));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        return await FindAsync(connection, id, cancellationToken);
    }

    public async Task<IReadOnlyList<EditorSession>> ListAsync(string fileId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {Columns} FROM editor_sessions WHERE file_id = @file_id ORDER BY opened, id;");
        command.Parameters.AddWithValue("@file_id", fileId);
        return await ReadAllAsync(command, Read, cancellationToken);
    }

    private static async Task<EditorSession?> FindAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"SELECT {Columns} FROM editor_sessions WHERE id = @id;");
        command.Parameters.AddWithValue("@id", id);
        var found = await ReadAllAsync(command, Read, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    private static EditorSession Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        FileId = reader.GetString(1),
        Principal = reader.GetString(2),
        Opened = ParseTime(reader.GetString(3)),
        Closed = NullableTime(reader, 4),
    };
}
