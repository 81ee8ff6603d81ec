using Attache.Core.Ports;

namespace Attache.Storage.Metadata.Sqlite;

public sealed class SqliteStaleUploads(SqliteDatabase database) : IStaleUploads
{
    public async Task<IReadOnlyList<string>> FailAsync(DateTimeOffset changedBefore, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = StaleUploadsSql.Fail;
        command.Parameters.AddWithValue("@now", StoredTime.Format(now));
        command.Parameters.AddWithValue("@before", StoredTime.Format(changedBefore));
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
