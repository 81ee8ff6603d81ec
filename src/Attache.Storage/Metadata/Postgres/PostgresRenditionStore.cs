using Attache.Core.Ports;
using Npgsql;
using static Attache.Storage.Metadata.Postgres.PostgresDatabase;

namespace Attache.Storage.Metadata.Postgres;

/// <summary><see cref="IRenditionStore"/> in the <c>renditions</c> table of the shared PostgreSQL database.</summary>
public sealed class PostgresRenditionStore(PostgresDatabase database) : IRenditionStore
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
            AddText(insert, "document_id", rendition.DocumentId);
            AddBigint(insert, "size", rendition.Size);
            AddText(insert, "sha256", rendition.Sha256);
            AddText(insert, "md5", rendition.Md5);
            AddTime(insert, "created", rendition.Created);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // A statement of its own, so that it sees the row another node's insert just committed.
        return await FindAsync(connection, rendition.Key, cancellationToken)
            ?? throw new InvalidOperationException($"The rendition {rendition.Key} was neither found nor stored.");
    }

    public async Task<IReadOnlyList<string>> PurgeDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM renditions WHERE document_id = @document_id RETURNING sha256;");
        AddText(command, "document_id", documentId);
        var keys = await ReadAllAsync(command, reader => reader.GetString(0), cancellationToken);
        return keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public async Task<bool> IsBlobReferencedAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM renditions WHERE sha256 = @sha256);");
        AddText(command, "sha256", sha256);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken) ?? false);
    }

    private static async Task<Rendition?> FindAsync(NpgsqlConnection connection, RenditionKey key, CancellationToken cancellationToken)
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
            Created = Time(reader, 4),
        }, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    private static void BindKey(NpgsqlCommand command, RenditionKey key)
    {
        AddText(command, "file_id", key.FileId);
        AddInteger(command, "version", key.Version);
        AddText(command, "format", key.Format);
        AddText(command, "charset", key.Charset);
        AddText(command, "variant", key.Variant);
    }
}
