using Attache.Core.Ports;
using Microsoft.Data.Sqlite;
using static Attache.Storage.Metadata.Sqlite.SqliteDatabase;

namespace Attache.Storage.Metadata.Sqlite;

/// <summary><see cref="IRenditionStore"/> in the <c>renditions</c> table of the shared SQLite file.</summary>
public sealed class SqliteRenditionStore(SqliteDatabase database) : IRenditionStore
{
    private const string KeyFilter = "file_id = @file_id AND version = @version AND format = @format AND charset = @charset AND variant = @variant";

    public async Task<Rendition?> FindAsync(RenditionKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindAsync(connection, key, cancellationToken);
    }

    public async Task<Rendition> AddAsync(Rendition rendition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rendition);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var insert = Command(connection, """
            INSERT INTO renditions (file_id, version, format, charset, variant, document_id, size, sha256, md5, created)
            VALUES (@file_id, @version, @format, @charset, @variant, @document_id, @size, @sha256, @md5, @created)
            ON CONFLICT DO NOTHING;
            """))
        {
            BindKey(insert, rendition.Key);
            insert.Parameters.AddWithValue("@document_id", rendition.DocumentId);
            insert.Parameters.AddWithValue("@size", rendition.Size);
            insert.Parameters.AddWithValue("@sha256", rendition.Sha256);
            insert.Parameters.AddWithValue("@md5", rendition.Md5);
            insert.Parameters.AddWithValue("@created", Time(rendition.Created));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return await FindAsync(connection, rendition.Key, cancellationToken)
            ?? throw new InvalidOperationException($"The rendition {rendition.Key} was neither found nor stored.");
    }

    public async Task<IReadOnlyList<string>> PurgeDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM renditions WHERE document_id = @document_id RETURNING sha256;");
        command.Parameters.AddWithValue("@document_id", documentId);
        var keys = await ReadAllAsync(command, reader => reader.GetString(0), cancellationToken);
        return keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public async Task<bool> IsBlobReferencedAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM renditions WHERE sha256 = @sha256);");
        command.Parameters.AddWithValue("@sha256", sha256);
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L) == 1;
    }

    private static async Task<Rendition?> FindAsync(SqliteConnection connection, RenditionKey key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"SELECT document_id, size, sha256, md5, created FROM renditions WHERE {KeyFilter};");
        BindKey(command, key);
        var found = await ReadAllAsync(command, reader => new Rendition
        {
            Key = key,
            DocumentId = reader.GetString(0),
            Size = reader.GetInt64(1),
            Sha256 = reader.GetString(2),
            Md5 = reader.GetString(3),
            Created = ParseTime(reader.GetString(4)),
        }, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    private static void BindKey(SqliteCommand command, RenditionKey key)
    {
        command.Parameters.AddWithValue("@file_id", key.FileId);
        command.Parameters.AddWithValue("@version", key.Version);
        command.Parameters.AddWithValue("@format", key.Format);
        command.Parameters.AddWithValue("@charset", key.Charset);
        command.Parameters.AddWithValue("@variant", key.Variant);
    }
}
