using System.Globalization;
using System.Text.Json;
using Attache.Core;
using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Import;
using Attache.Core.Ports;
using Microsoft.Data.Sqlite;
using static Attache.Storage.Metadata.Sqlite.SqliteDatabase;
using Microsoft.Extensions.Logging;

namespace Attache.Storage.Metadata.Sqlite;

/// <summary>
/// <see cref="IMetadataStore"/> on one SQLite file in WAL mode with synchronous=FULL, so a committed write survives a
/// power cut. Times are stored as fixed-width ISO-8601 UTC text, which sorts and round-trips to the tick.
/// </summary>
public sealed class SqliteMetadataStore : IMetadataStore
{
        private const int UniqueViolation = 2067;
    private const int PrimaryKeyViolation = 1555;

    private const string DocumentColumns =
        "id, kind, title, owner, state, folder, properties, attributes, acl, source_url, created, modified, deleted, revision";

    private const string FileColumns =
        "id, document_id, slot, idx, file_name, media_type, state, current_version, size, sha256, md5, has_thumbnail, created, modified, removed, revision";

    private const string VersionColumns =
        "file_id, number, size, sha256, md5, file_name, media_type, created, created_by";

    private const string InsertDocumentSql = $"""
        INSERT INTO documents ({DocumentColumns})
        VALUES (@id, @kind, @title, @owner, @state, @folder, @properties, @attributes, @acl, @source_url, @created, @modified, @deleted,
                @next_revision)
        ON CONFLICT (id) DO NOTHING;
        """;

    private const string UpdateDocumentSql = """
        UPDATE documents
        SET kind = @kind, title = @title, owner = @owner, state = @state, folder = @folder, properties = @properties,
            attributes = @attributes, acl = @acl, source_url = @source_url, created = @created, modified = @modified,
            deleted = @deleted, revision = @next_revision
        WHERE id = @id AND revision = @revision;
        """;

    private const string InsertFileSql = $"""
        INSERT INTO files ({FileColumns})
        VALUES (@id, @document_id, @slot, @idx, @file_name, @media_type, @state, @current_version, @size, @sha256, @md5,
                @has_thumbnail, @created, @modified, @removed, @next_revision);
        """;

    private const string UpdateFileSql = """
        UPDATE files
        SET slot = @slot, idx = @idx, file_name = @file_name, media_type = @media_type,
            state = @state, current_version = @current_version, size = @size, sha256 = @sha256, md5 = @md5,
            has_thumbnail = @has_thumbnail, created = @created, modified = @modified, removed = @removed,
            revision = @next_revision
        WHERE id = @id AND revision = @revision AND document_id = @document_id;
        """;

    private const string InsertVersionSql = $"""
        INSERT INTO file_versions ({VersionColumns})
        VALUES (@file_id, @number, @size, @sha256, @md5, @file_name, @media_type, @created, @created_by);
        """;

    private readonly SqliteDatabase _database;
    private readonly ILogger<SqliteMetadataStore> _logger;

    public SqliteMetadataStore(SqliteDatabase database, ILogger<SqliteMetadataStore> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = logger;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => _database.MigrateAsync(cancellationToken);

    public Task<Document?> FindDocumentAsync(string id, CancellationToken cancellationToken) =>
        _database.Reads.GetOrReadAsync("document", id, 0, () => QueryDocumentAsync(id, cancellationToken));

    private async Task<Document?> QueryDocumentAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {DocumentColumns} FROM documents WHERE id = @id;");
        command.Parameters.AddWithValue("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDocument(reader) : null;
    }

    public async Task<bool> TryCreateDocumentAsync(Document document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Revision != 0)
        {
            throw new ArgumentException("A new document has revision 0.", nameof(document));
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        return await WriteDocumentAsync(connection, null, document, cancellationToken);
    }

    public async Task<bool> UpdateDocumentAsync(Document document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Revision == 0)
        {
            return false;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        return await WriteDocumentAsync(connection, null, document, cancellationToken);
    }

    public async Task<IReadOnlyList<Document>> ListDocumentsAsync(DocumentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query));
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var conditions = new List<string>();
        AddFilter("kind", query.Kind);
        AddFilter("owner", query.Owner);
        AddFilter("state", query.State);
        AddFilter("folder", query.Folder);
        if (!query.IncludeDeleted)
        {
            conditions.Add("deleted IS NULL");
        }

        if (query.After is not null)
        {
            conditions.Add("id > @after COLLATE BINARY");
            command.Parameters.AddWithValue("@after", query.After);
        }

        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        command.CommandText = $"SELECT {DocumentColumns} FROM documents {where} ORDER BY id COLLATE BINARY LIMIT @limit;";
        command.Parameters.AddWithValue("@limit", query.Limit);

        return await ReadAllAsync(command, ReadDocument, cancellationToken);

        void AddFilter(string column, string? value)
        {
            if (value is not null)
            {
                conditions.Add($"{column} = @{column}");
                command.Parameters.AddWithValue($"@{column}", value);
            }
        }
    }

    public async Task<string> NextFileIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE sequences SET value = value + 1 WHERE name = 'file_id' RETURNING value;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The file id sequence is missing; was the metadata store initialized?");
        }

        return reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
    }

    public Task<StoredFile?> FindFileAsync(string fileId, CancellationToken cancellationToken) =>
        _database.Reads.GetOrReadAsync("file", fileId, 0, () => QueryFileAsync(fileId, cancellationToken));

    private async Task<StoredFile?> QueryFileAsync(string fileId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {FileColumns} FROM files WHERE id = @id;");
        command.Parameters.AddWithValue("@id", fileId);
        return (await ReadAllAsync(command, ReadFile, cancellationToken)).SingleOrDefault();
    }

    public Task<StoredFile?> FindFileInSlotAsync(string documentId, string slot, int index, CancellationToken cancellationToken) =>
        _database.Reads.GetOrReadAsync("file-in-slot", documentId + "\n" + slot, index, () => QueryFileInSlotAsync(documentId, slot, index, cancellationToken));

    private async Task<StoredFile?> QueryFileInSlotAsync(string documentId, string slot, int index, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {FileColumns} FROM files WHERE document_id = @document_id AND slot = @slot AND idx = @idx;");
        command.Parameters.AddWithValue("@document_id", documentId);
        command.Parameters.AddWithValue("@slot", slot);
        command.Parameters.AddWithValue("@idx", index);
        return (await ReadAllAsync(command, ReadFile, cancellationToken)).SingleOrDefault();
    }

    public Task<IReadOnlyList<StoredFile>> ListFilesAsync(string documentId, CancellationToken cancellationToken) =>
        _database.Reads.GetOrReadAsync("files-of", documentId, 0, () => QueryFilesAsync(documentId, cancellationToken));

    private async Task<IReadOnlyList<StoredFile>> QueryFilesAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {FileColumns} FROM files WHERE document_id = @document_id ORDER BY slot COLLATE BINARY, idx;");
        command.Parameters.AddWithValue("@document_id", documentId);
        return await ReadAllAsync(command, ReadFile, cancellationToken);
    }

    public async Task<bool> SaveFileAsync(StoredFile file, FileVersion? newVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (newVersion is not null && newVersion.FileId != file.Id)
        {
            throw new ArgumentException($"Version of file '{newVersion.FileId}' given with file '{file.Id}'.", nameof(newVersion));
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (!await WriteFileAsync(connection, transaction, file, newVersion, cancellationToken))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> ImportAsync(ImportBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var imported in batch.Files)
        {
            if (imported.NewVersion is { } version && version.FileId != imported.File.Id)
            {
                throw new ArgumentException($"Version of file '{version.FileId}' given with file '{imported.File.Id}'.", nameof(batch));
            }
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (!await ImportPrincipalsAsync(connection, transaction, batch, cancellationToken))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return false;
        }

        foreach (var document in batch.Documents)
        {
            if (!await WriteDocumentAsync(connection, transaction, document, cancellationToken))
            {
                _logger.LogDebug("Not importing: document {DocumentId} exists or changed since it was read", document.Id);
                await transaction.RollbackAsync(CancellationToken.None);
                return false;
            }
        }

        foreach (var (file, newVersion) in batch.Files)
        {
            if (!await WriteFileAsync(connection, transaction, file, newVersion, cancellationToken))
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return false;
            }

            if (FileIds.PlainNumber(file.Id) is { } number)
            {
                await using var raise = Command(connection,
                    "UPDATE sequences SET value = MAX(value, @value) WHERE name = 'file_id';", transaction);
                raise.Parameters.AddWithValue("@value", number);
                await raise.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Principals, then their API keys, then server-wide keys; false when a name, client id, e-mail or key is another's.</summary>
    private async Task<bool> ImportPrincipalsAsync(
        SqliteConnection connection, SqliteTransaction transaction, ImportBatch batch, CancellationToken cancellationToken)
    {
        foreach (var (principal, isNew) in batch.Principals)
        {
            if (!await SqlitePrincipalStore.WriteAsync(connection, transaction, principal, isNew, cancellationToken))
            {
                _logger.LogDebug("Not importing: principal {Principal} exists, or its client id or e-mail is another's", principal.Name);
                return false;
            }
        }

        foreach (var key in batch.ApiKeys)
        {
            if (!await SqlitePrincipalStore.AddApiKeyAsync(connection, transaction, key, cancellationToken))
            {
                _logger.LogDebug("Not importing: an API key of {Principal} belongs to another principal", key.Principal);
                return false;
            }
        }

        foreach (var key in batch.ServerApiKeys)
        {
            await SqlitePrincipalStore.AddServerApiKeyAsync(connection, transaction, key.Sha256, key.Created, cancellationToken);
        }

        return true;
    }

    public async Task<IReadOnlyList<FileVersion>> ListVersionsAsync(string fileId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {VersionColumns} FROM file_versions WHERE file_id = @file_id ORDER BY number;");
        command.Parameters.AddWithValue("@file_id", fileId);
        return await ReadAllAsync(command, ReadVersion, cancellationToken);
    }

    public Task<FileVersion?> FindVersionAsync(string fileId, int number, CancellationToken cancellationToken) =>
        _database.Reads.GetOrReadAsync("version", fileId, number, () => QueryVersionAsync(fileId, number, cancellationToken));

    private async Task<FileVersion?> QueryVersionAsync(string fileId, int number, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {VersionColumns} FROM file_versions WHERE file_id = @file_id AND number = @number;");
        command.Parameters.AddWithValue("@file_id", fileId);
        command.Parameters.AddWithValue("@number", number);
        return (await ReadAllAsync(command, ReadVersion, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<string>> PurgeDocumentContentAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);

        var keys = new List<string>();
        await using (var collect = Command(connection, """
            SELECT DISTINCT v.sha256 FROM file_versions v JOIN files f ON f.id = v.file_id
            WHERE f.document_id = @document_id ORDER BY v.sha256;
            """, transaction))
        {
            collect.Parameters.AddWithValue("@document_id", documentId);
            await using var reader = await collect.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(reader.GetString(0));
            }
        }

        await using (var purge = Command(connection, """
            DELETE FROM file_versions WHERE file_id IN (SELECT id FROM files WHERE document_id = @document_id);
            UPDATE files SET current_version = NULL, size = 0, sha256 = '', md5 = '', state = @state, revision = revision + 1
            WHERE document_id = @document_id;
            """, transaction))
        {
            purge.Parameters.AddWithValue("@document_id", documentId);
            purge.Parameters.AddWithValue("@state", nameof(UploadState.Initial));
            await purge.ExecuteNonQueryAsync(cancellationToken);
        }

        var unreferenced = new List<string>();
        foreach (var key in keys)
        {
            if (!await IsReferencedAsync(connection, transaction, key, cancellationToken))
            {
                unreferenced.Add(key);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return unreferenced;
    }

    public async Task<bool> IsBlobReferencedAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await IsReferencedAsync(connection, null, sha256, cancellationToken);
    }

    /// <summary>Inserts (revision 0) or updates (same revision) one document; false when another write came first.</summary>
    private static async Task<bool> WriteDocumentAsync(
        SqliteConnection connection, SqliteTransaction? transaction, Document document, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, document.Revision == 0 ? InsertDocumentSql : UpdateDocumentSql, transaction);
        BindDocument(command, document);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Inserts (revision 0) or updates (same revision) one file and adds its new version; false, with the transaction
    /// to be rolled back, when the id or slot is taken, the file changed since it was read, or the version exists.
    /// </summary>
    private async Task<bool> WriteFileAsync(
        SqliteConnection connection, SqliteTransaction transaction, StoredFile file, FileVersion? newVersion, CancellationToken cancellationToken)
    {
        try
        {
            await using (var write = Command(connection, file.Revision == 0 ? InsertFileSql : UpdateFileSql, transaction))
            {
                BindFile(write, file);
                if (await write.ExecuteNonQueryAsync(cancellationToken) != 1)
                {
                    _logger.LogDebug("Not saving file {FileId}: it changed since revision {Revision}", file.Id, file.Revision);
                    return false;
                }
            }

            if (newVersion is not null)
            {
                await using var insert = Command(connection, InsertVersionSql, transaction);
                BindVersion(insert, newVersion);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            return true;
        }
        catch (SqliteException exception) when (exception.SqliteExtendedErrorCode is UniqueViolation or PrimaryKeyViolation)
        {
            // The id or the slot is another file's, or a concurrent upload already added this version number.
            _logger.LogDebug("Not saving file {FileId}: {Reason}", file.Id, exception.Message);
            return false;
        }
    }

    private static async Task<bool> IsReferencedAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sha256, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM file_versions WHERE sha256 = @sha256);", transaction);
        command.Parameters.AddWithValue("@sha256", sha256);
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L) == 1;
    }

    private static void BindDocument(SqliteCommand command, Document document)
    {
        var parameters = command.Parameters;
        parameters.AddWithValue("@id", document.Id);
        parameters.AddWithValue("@kind", document.Kind);
        parameters.AddWithValue("@title", document.Title);
        parameters.AddWithValue("@owner", document.Owner);
        parameters.AddWithValue("@state", Nullable(document.State));
        parameters.AddWithValue("@folder", Nullable(document.Folder));
        parameters.AddWithValue("@properties", JsonSerializer.Serialize(
            new Dictionary<string, string>(document.Properties, StringComparer.Ordinal), MetadataJsonContext.Default.DictionaryStringString));
        parameters.AddWithValue("@attributes", JsonSerializer.Serialize(document.Attributes.ToList(), MetadataJsonContext.Default.ListAttributeDefinition));
        parameters.AddWithValue("@acl", JsonSerializer.Serialize(document.Acl.ToList(), MetadataJsonContext.Default.ListAclEntry));
        parameters.AddWithValue("@source_url", Nullable(document.SourceUrl));
        parameters.AddWithValue("@created", Time(document.Created));
        parameters.AddWithValue("@modified", Time(document.Modified));
        parameters.AddWithValue("@deleted", Nullable(Time(document.Deleted)));
        parameters.AddWithValue("@revision", document.Revision);
        parameters.AddWithValue("@next_revision", document.Revision + 1);
    }

    private static Document ReadDocument(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Kind = reader.GetString(1),
        Title = reader.GetString(2),
        Owner = reader.GetString(3),
        State = NullableString(reader, 4),
        Folder = NullableString(reader, 5),
        Properties = JsonSerializer.Deserialize(reader.GetString(6), MetadataJsonContext.Default.DictionaryStringString) ?? [],
        Attributes = JsonSerializer.Deserialize(reader.GetString(7), MetadataJsonContext.Default.ListAttributeDefinition) ?? [],
        Acl = JsonSerializer.Deserialize(reader.GetString(8), MetadataJsonContext.Default.ListAclEntry) ?? [],
        SourceUrl = NullableString(reader, 9),
        Created = ParseTime(reader.GetString(10)),
        Modified = ParseTime(reader.GetString(11)),
        Deleted = NullableTime(reader, 12),
        Revision = reader.GetInt64(13),
    };

    private static void BindFile(SqliteCommand command, StoredFile file)
    {
        var parameters = command.Parameters;
        parameters.AddWithValue("@id", file.Id);
        parameters.AddWithValue("@document_id", file.DocumentId);
        parameters.AddWithValue("@slot", file.Slot);
        parameters.AddWithValue("@idx", file.Index);
        parameters.AddWithValue("@file_name", file.FileName);
        parameters.AddWithValue("@media_type", file.MediaType);
        parameters.AddWithValue("@state", file.State.ToString());
        parameters.AddWithValue("@current_version", file.CurrentVersion is { } version ? version : DBNull.Value);
        parameters.AddWithValue("@size", file.Size);
        parameters.AddWithValue("@sha256", file.Sha256);
        parameters.AddWithValue("@md5", file.Md5);
        parameters.AddWithValue("@has_thumbnail", file.HasThumbnail ? 1 : 0);
        parameters.AddWithValue("@created", Time(file.Created));
        parameters.AddWithValue("@modified", Time(file.Modified));
        parameters.AddWithValue("@removed", Nullable(Time(file.Removed)));
        parameters.AddWithValue("@revision", file.Revision);
        parameters.AddWithValue("@next_revision", file.Revision + 1);
    }

    private static StoredFile ReadFile(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        DocumentId = reader.GetString(1),
        Slot = reader.GetString(2),
        Index = reader.GetInt32(3),
        FileName = reader.GetString(4),
        MediaType = reader.GetString(5),
        State = Enum.Parse<UploadState>(reader.GetString(6)),
        CurrentVersion = reader.IsDBNull(7) ? null : reader.GetInt32(7),
        Size = reader.GetInt64(8),
        Sha256 = reader.GetString(9),
        Md5 = reader.GetString(10),
        HasThumbnail = reader.GetInt64(11) != 0,
        Created = ParseTime(reader.GetString(12)),
        Modified = ParseTime(reader.GetString(13)),
        Removed = NullableTime(reader, 14),
        Revision = reader.GetInt64(15),
    };

    private static void BindVersion(SqliteCommand command, FileVersion version)
    {
        var parameters = command.Parameters;
        parameters.AddWithValue("@file_id", version.FileId);
        parameters.AddWithValue("@number", version.Number);
        parameters.AddWithValue("@size", version.Size);
        parameters.AddWithValue("@sha256", version.Sha256);
        parameters.AddWithValue("@md5", version.Md5);
        parameters.AddWithValue("@file_name", version.FileName);
        parameters.AddWithValue("@media_type", version.MediaType);
        parameters.AddWithValue("@created", Time(version.Created));
        parameters.AddWithValue("@created_by", Nullable(version.CreatedBy));
    }

    private static FileVersion ReadVersion(SqliteDataReader reader) => new()
    {
        FileId = reader.GetString(0),
        Number = reader.GetInt32(1),
        Size = reader.GetInt64(2),
        Sha256 = reader.GetString(3),
        Md5 = reader.GetString(4),
        FileName = reader.GetString(5),
        MediaType = reader.GetString(6),
        Created = ParseTime(reader.GetString(7)),
        CreatedBy = NullableString(reader, 8),
    };
}
