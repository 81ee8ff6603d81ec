using Attache.Core.Ports;
using Npgsql;

namespace Attache.Storage.Metadata.Postgres;

public sealed class PostgresStaleUploads(PostgresDatabase database) : IStaleUploads
{
    public async Task<IReadOnlyList<string>> FailAsync(DateTimeOffset changedBefore, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(StaleUploadsSql.Fail, connection);
        PostgresDatabase.AddTime(command, "now", now);
        PostgresDatabase.AddTime(command, "before", changedBefore);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
