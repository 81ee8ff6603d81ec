using System.Globalization;
using System.Text.Json;
using Attache.Core;
using Attache.Core.Documents;
using Attache.Core.Files;
using Attache.Core.Import;
using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using static Attache.Storage.Metadata.Postgres.PostgresDatabase;

namespace Attache.Storage.Metadata.Postgres;

/// <summary>
/// <see cref="IMetadataStore"/> on PostgreSQL, for several nodes sharing one database. Optimistic writes rely on
/// <c>UPDATE … WHERE revision = @revision</c>, which PostgreSQL re-checks after waiting for a concurrent writer, so
/// read committed isolation is enough; the file id sequence is a row whose update serializes its callers.
/// </summary>
public sealed class PostgresMetadataStore : IMetadataStore
{
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

    private readonly PostgresDatabase _database;
    private readonly ILogger<PostgresMetadataStore> _logger;

    public PostgresMetadataStore(PostgresDatabase database, ILogger<PostgresMetadataStore> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = logger;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => _database.MigrateAsync(cancellationToken);

    public async Task<Document?> FindDocumentAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {DocumentColumns} FROM documents WHERE id = @id;");
        AddText(command, "id", id);
        return (await ReadAllAsync(command, ReadDocument, cancellationToken)).SingleOrDefault();
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
            conditions.Add("id > @after");
            AddText(command, "after", query.After);
        }

        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        command.CommandText = $"SELECT {DocumentColumns} FROM documents {where} ORDER BY id LIMIT @limit;";
        AddInteger(command, "limit", query.Limit);

        return await ReadAllAsync(command, ReadDocument, cancellationToken);

        void AddFilter(string column, string? value)
        {
            if (value is not null)
            {
                conditions.Add($"{column} = @{column}");
                AddText(command, column, value);
            }
        }
    }

    public async Task<string> NextFileIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE sequences SET value = value + 1 WHERE name = 'file_id' RETURNING value;");
        var value = await command.ExecuteScalarAsync(cancellationToken)
            ?? throw new InvalidOperationException("The file id sequence is missing; was the metadata store initialized?");
        return ((long)value).ToString(CultureInfo.InvariantCulture);
    }

    public async Task<StoredFile?> FindFileAsync(string fileId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {FileColumns} FROM files WHERE id = @id;");
        AddText(command, "id", fileId);
        return (await ReadAllAsync(command, ReadFile, cancellationToken)).SingleOrDefault();
    }

    public async Task<StoredFile?> FindFileInSlotAsync(string documentId, string slot, int index, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {FileColumns} FROM files WHERE document_id = @document_id AND slot = @slot AND idx = @idx;");
        AddText(command, "document_id", documentId);
        AddText(command, "slot", slot);
        AddInteger(command, "idx", index);
        return (await ReadAllAsync(command, ReadFile, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<StoredFile>> ListFilesAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {FileColumns} FROM files WHERE document_id = @document_id ORDER BY slot, idx;");
        AddText(command, "document_id", documentId);
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
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
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
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
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
                    "UPDATE sequences SET value = GREATEST(value, @value) WHERE name = 'file_id';", transaction);
                AddBigint(raise, "value", number);
                await raise.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Principals, then their API keys, then server-wide keys; false when a name, client id, e-mail or key is another's.</summary>
    private async Task<bool> ImportPrincipalsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ImportBatch batch, CancellationToken cancellationToken)
    {
        foreach (var (principal, isNew) in batch.Principals)
        {
            if (!await PostgresPrincipalStore.WriteAsync(connection, transaction, principal, isNew, cancellationToken))
            {
                _logger.LogDebug("Not importing: principal {Principal} exists, or its client id or e-mail is another's", principal.Name);
                return false;
            }
        }

        foreach (var key in batch.ApiKeys)
        {
            if (!await PostgresPrincipalStore.AddApiKeyAsync(connection, transaction, key, cancellationToken))
            {
                _logger.LogDebug("Not importing: an API key of {Principal} belongs to another principal", key.Principal);
                return false;
            }
        }

        foreach (var key in batch.ServerApiKeys)
        {
            await PostgresPrincipalStore.AddServerApiKeyAsync(connection, transaction, key.Sha256, key.Created, cancellationToken);
        }

        return true;
    }

    public async Task<IReadOnlyList<FileVersion>> ListVersionsAsync(string fileId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {VersionColumns} FROM file_versions WHERE file_id = @file_id ORDER BY number;");
        AddText(command, "file_id", fileId);
        return await ReadAllAsync(command, ReadVersion, cancellationToken);
    }

    public async Task<FileVersion?> FindVersionAsync(string fileId, int number, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {VersionColumns} FROM file_versions WHERE file_id = @file_id AND number = @number;");
        AddText(command, "file_id", fileId);
        AddInteger(command, "number", number);
        return (await ReadAllAsync(command, ReadVersion, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<string>> PurgeDocumentContentAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        List<string> keys;
        await using (var purge = Command(connection, """
            DELETE FROM file_versions v USING files f
            WHERE f.id = v.file_id AND f.document_id = @document_id
            RETURNING v.sha256;
            """, transaction))
        {
            AddText(purge, "document_id", documentId);
            keys = await ReadAllAsync(purge, reader => reader.GetString(0), cancellationToken);
        }

        await using (var detach = Command(connection, """
            UPDATE files SET current_version = NULL, size = 0, sha256 = '', md5 = '', state = @state, revision = revision + 1
            WHERE document_id = @document_id;
            """, transaction))
        {
            AddText(detach, "document_id", documentId);
            AddText(detach, "state", nameof(UploadState.Initial));
            await detach.ExecuteNonQueryAsync(cancellationToken);
        }

        var unreferenced = new List<string>();
        foreach (var key in keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
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
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Document document, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, document.Revision == 0 ? InsertDocumentSql : UpdateDocumentSql, transaction);
        BindDocument(command, document);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Inserts (revision 0) or updates (same revision) one file and adds its new version; false, with the transaction
    /// to be rolled back (PostgreSQL has aborted it), when the id or slot is taken, the file changed since it was read,
    /// or the version exists.
    /// </summary>
    private async Task<bool> WriteFileAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StoredFile file, FileVersion? newVersion, CancellationToken cancellationToken)
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
        catch (PostgresException exception) when (IsUniqueViolation(exception))
        {
            // The id or the slot is another file's, or a concurrent upload already added this version number.
            _logger.LogDebug("Not saving file {FileId}: {Reason}", file.Id, exception.MessageText);
            return false;
        }
    }

    private static async Task<bool> IsReferencedAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sha256, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM file_versions WHERE sha256 = @sha256);", transaction);
        AddText(command, "sha256", sha256);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken) ?? false);
    }

    private static void BindDocument(NpgsqlCommand command, Document document)
    {
        AddText(command, "id", document.Id);
        AddText(command, "kind", document.Kind);
        AddText(command, "title", document.Title);
        AddText(command, "owner", document.Owner);
        AddText(command, "state", document.State);
        AddText(command, "folder", document.Folder);
        AddText(command, "properties", JsonSerializer.Serialize(
            new Dictionary<string, string>(document.Properties, StringComparer.Ordinal), MetadataJsonContext.Default.DictionaryStringString));
        AddText(command, "attributes", JsonSerializer.Serialize(document.Attributes.ToList(), MetadataJsonContext.Default.ListAttributeDefinition));
        AddText(command, "acl", JsonSerializer.Serialize(document.Acl.ToList(), MetadataJsonContext.Default.ListAclEntry));
        AddText(command, "source_url", document.SourceUrl);
        AddTime(command, "created", document.Created);
        AddTime(command, "modified", document.Modified);
        AddTime(command, "deleted", document.Deleted);
        AddBigint(command, "revision", document.Revision);
        AddBigint(command, "next_revision", document.Revision + 1);
    }

    private static Document ReadDocument(NpgsqlDataReader reader) => new()
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
        Created = Time(reader, 10),
        Modified = Time(reader, 11),
        Deleted = NullableTime(reader, 12),
        Revision = reader.GetInt64(13),
    };

    private static void BindFile(NpgsqlCommand command, StoredFile file)
    {
        AddText(command, "id", file.Id);
        AddText(command, "document_id", file.DocumentId);
        AddText(command, "slot", file.Slot);
        AddInteger(command, "idx", file.Index);
        AddText(command, "file_name", file.FileName);
        AddText(command, "media_type", file.MediaType);
        AddText(command, "state", file.State.ToString());
        AddInteger(command, "current_version", file.CurrentVersion);
        AddBigint(command, "size", file.Size);
        AddText(command, "sha256", file.Sha256);
        AddText(command, "md5", file.Md5);
        command.Parameters.AddWithValue("has_thumbnail", file.HasThumbnail);
        AddTime(command, "created", file.Created);
        AddTime(command, "modified", file.Modified);
        AddTime(command, "removed", file.Removed);
        AddBigint(command, "revision", file.Revision);
        AddBigint(command, "next_revision", file.Revision + 1);
    }

    private static StoredFile ReadFile(NpgsqlDataReader reader) => new()
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
        HasThumbnail = reader.GetBoolean(11),
        Created = Time(reader, 12),
        Modified = Time(reader, 13),
        Removed = NullableTime(reader, 14),
        Revision = reader.GetInt64(15),
    };

    private static void BindVersion(NpgsqlCommand command, FileVersion version)
    {
        AddText(command, "file_id", version.FileId);
        AddInteger(command, "number", version.Number);
        AddBigint(command, "size", version.Size);
        AddText(command, "sha256", version.Sha256);
        AddText(command, "md5", version.Md5);
        AddText(command, "file_name", version.FileName);
        AddText(command, "media_type", version.MediaType);
        AddTime(command, "created", version.Created);
        AddText(command, "created_by", version.CreatedBy);
    }

    private static FileVersion ReadVersion(NpgsqlDataReader reader) => new()
    {
        FileId = reader.GetString(0),
        Number = reader.GetInt32(1),
        Size = reader.GetInt64(2),
        Sha256 = reader.GetString(3),
        Md5 = reader.GetString(4),
        FileName = reader.GetString(5),
        MediaType = reader.GetString(6),
        Created = Time(reader, 7),
        CreatedBy = NullableString(reader, 8),
    };
}
