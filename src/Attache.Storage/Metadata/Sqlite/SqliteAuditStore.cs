using Attache.Core.Audit;
using Attache.Core.Ports;
using Microsoft.Data.Sqlite;
using static Attache.Storage.Metadata.Sqlite.SqliteDatabase;

namespace Attache.Storage.Metadata.Sqlite;

/// <summary><see cref="IAuditStore"/> in the <c>audit_events</c> table of the shared SQLite file.</summary>
public sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
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

        await using var connection = await database.OpenForAuditAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var insert = Command(connection, """
            INSERT INTO audit_events (time, action, principal, document_id, file_id, version, result, status, bytes, byte_range,
                                      detail, client_address, user_agent, correlation_id)
            VALUES (@time, @action, @principal, @document, @file, @version, @result, @status, @bytes, @range,
                    @detail, @address, @agent, @correlation);
            """, transaction);
        var time = insert.Parameters.Add("@time", SqliteType.Text);
        var action = insert.Parameters.Add("@action", SqliteType.Text);
        var principal = insert.Parameters.Add("@principal", SqliteType.Text);
        var document = insert.Parameters.Add("@document", SqliteType.Text);
        var file = insert.Parameters.Add("@file", SqliteType.Text);
        var version = insert.Parameters.Add("@version", SqliteType.Integer);
        var result = insert.Parameters.Add("@result", SqliteType.Text);
        var status = insert.Parameters.Add("@status", SqliteType.Integer);
        var bytes = insert.Parameters.Add("@bytes", SqliteType.Integer);
        var range = insert.Parameters.Add("@range", SqliteType.Text);
        var detail = insert.Parameters.Add("@detail", SqliteType.Text);
        var address = insert.Parameters.Add("@address", SqliteType.Text);
        var agent = insert.Parameters.Add("@agent", SqliteType.Text);
        var correlation = insert.Parameters.Add("@correlation", SqliteType.Text);
        foreach (var e in events)
        {
            time.Value = Time(e.Time);
            action.Value = e.Action;
            principal.Value = Nullable(e.Principal);
            document.Value = Nullable(e.DocumentId);
            file.Value = Nullable(e.FileId);
            version.Value = e.Version is { } v ? v : DBNull.Value;
            result.Value = e.Result;
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
        void Filter(string condition, string name, object? value)
        {
            if (value is not null)
            {
                conditions.Add(condition);
                command.Parameters.AddWithValue(name, value);
            }
        }

        Filter("principal = @principal", "@principal", query.Principal);
        Filter("action = @action", "@action", query.Action);
        Filter("document_id = @document", "@document", query.DocumentId);
        Filter("file_id = @file", "@file", query.FileId);
        Filter("time >= @from", "@from", Time(query.From));
        Filter("time < @to", "@to", Time(query.To));
        Filter("id < @before", "@before", query.Before);
        command.CommandText = $"SELECT {Columns} FROM audit_events"
            + (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions))
            + " ORDER BY id DESC LIMIT @limit;";
        command.Parameters.AddWithValue("@limit", query.Limit);
        return await ReadAllAsync(command, Read, cancellationToken);
    }

    private static AuditEvent Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Time = ParseTime(reader.GetString(1)),
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
