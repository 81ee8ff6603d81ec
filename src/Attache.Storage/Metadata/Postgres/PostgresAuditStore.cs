using Attache.Core.Audit;
using Attache.Core.Ports;
using Npgsql;
using NpgsqlTypes;
using static Attache.Storage.Metadata.Postgres.PostgresDatabase;

namespace Attache.Storage.Metadata.Postgres;

/// <summary>
/// <see cref="IAuditStore"/> in the <c>audit_events</c> table of the shared PostgreSQL database. Every node appends
/// its own batches; an identity column numbers them, so a batch keeps its order and ids never repeat across nodes.
/// </summary>
public sealed class PostgresAuditStore(PostgresDatabase database) : IAuditStore
{
    private const string Columns =
        "id, time, action, principal, document_id, file_id, version, result, status, bytes, byte_range, detail, client_address, user_agent, correlation_id";

    public async Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = Command(connection, """
            INSERT INTO audit_events (time, action, principal, document_id, file_id, version, result, status, bytes, byte_range,
                                      detail, client_address, user_agent, correlation_id)
            VALUES (@time, @action, @principal, @document, @file, @version, @result, @status, @bytes, @range,
                    @detail, @address, @agent, @correlation);
            """, transaction);
        var time = insert.Parameters.Add("time", NpgsqlDbType.Text);
        var action = insert.Parameters.Add("action", NpgsqlDbType.Text);
        var principal = insert.Parameters.Add("principal", NpgsqlDbType.Text);
        var document = insert.Parameters.Add("document", NpgsqlDbType.Text);
        var file = insert.Parameters.Add("file", NpgsqlDbType.Text);
        var version = insert.Parameters.Add("version", NpgsqlDbType.Integer);
        var result = insert.Parameters.Add("result", NpgsqlDbType.Text);
        var status = insert.Parameters.Add("status", NpgsqlDbType.Integer);
        var bytes = insert.Parameters.Add("bytes", NpgsqlDbType.Bigint);
        var range = insert.Parameters.Add("range", NpgsqlDbType.Text);
        var detail = insert.Parameters.Add("detail", NpgsqlDbType.Text);
        var address = insert.Parameters.Add("address", NpgsqlDbType.Text);
        var agent = insert.Parameters.Add("agent", NpgsqlDbType.Text);
        var correlation = insert.Parameters.Add("correlation", NpgsqlDbType.Text);
        await insert.PrepareAsync(cancellationToken);
        foreach (var e in events)
        {
            time.Value = StoredTime.Format(e.Time);
            action.Value = (object?)e.Action ?? DBNull.Value;
            principal.Value = Nullable(e.Principal);
            document.Value = Nullable(e.DocumentId);
            file.Value = Nullable(e.FileId);
            version.Value = e.Version is { } v ? v : DBNull.Value;
            result.Value = (object?)e.Result ?? DBNull.Value;
            status.Value = e.Status is { } s ? s : DBNull.Value;
            bytes.Value = e.Bytes is { } b ? b : DBNull.Value;
            range.Value = Nullable(e.Range);
            detail.Value = Nullable(e.Detail);
            address.Value = Nullable(e.ClientAddress);
            agent.Value = Nullable(e.UserAgent);
            correlation.Value = Nullable(e.CorrelationId);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "");
        var conditions = new List<string>();
        void Filter(string condition, string name, string? value)
        {
            if (value is not null)
            {
                conditions.Add(condition);
                AddText(command, name, value);
            }
        }

        Filter("principal = @principal", "principal", query.Principal);
        Filter("action = @action", "action", query.Action);
        Filter("document_id = @document", "document", query.DocumentId);
        Filter("file_id = @file", "file", query.FileId);
        Filter("time >= @from", "from", query.From is { } from ? StoredTime.Format(from) : null);
        Filter("time < @to", "to", query.To is { } to ? StoredTime.Format(to) : null);
        if (query.Before is { } before)
        {
            conditions.Add("id < @before");
            AddBigint(command, "before", before);
        }

        command.CommandText = $"SELECT {Columns} FROM audit_events"
            + (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions))
            + " ORDER BY id DESC LIMIT @limit;";
        AddInteger(command, "limit", query.Limit);
        return await ReadAllAsync(command, Read, cancellationToken);
    }

    private static object Nullable(string? value) => value is null ? DBNull.Value : value;

    private static AuditEvent Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Time = Time(reader, 1),
        Action = reader.GetString(2),
        Principal = NullableString(reader, 3),
        DocumentId = NullableString(reader, 4),
        FileId = NullableString(reader, 5),
        Version = reader.IsDBNull(6) ? null : reader.GetInt32(6),
        Result = reader.GetString(7),
        Status = reader.IsDBNull(8) ? null : reader.GetInt32(8),
        Bytes = reader.IsDBNull(9) ? null : reader.GetInt64(9),
        Range = NullableString(reader, 10),
        Detail = NullableString(reader, 11),
        ClientAddress = NullableString(reader, 12),
        UserAgent = NullableString(reader, 13),
        CorrelationId = NullableString(reader, 14),
    };
}
