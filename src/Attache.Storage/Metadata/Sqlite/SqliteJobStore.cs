using Attache.Core.Ports;
using static Attache.Storage.Metadata.Sqlite.SqliteDatabase;

namespace Attache.Storage.Metadata.Sqlite;

/// <summary>
/// <see cref="IJobStore"/> in the <c>jobs</c> table of the shared SQLite file. A job is due from the time in <c>due</c>:
/// a claim moves it to the end of the lease, so a claim is a single conditional update.
/// </summary>
public sealed class SqliteJobStore(SqliteDatabase database) : IJobStore
{
    public async Task<bool> EnqueueAsync(string kind, string subject, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            INSERT INTO jobs (kind, subject, attempts, lease_owner, due, created)
            VALUES (@kind, @subject, 0, NULL, @now, @now)
            ON CONFLICT (kind, subject) DO NOTHING;
            """);
        command.Parameters.AddWithValue("@kind", kind);
        command.Parameters.AddWithValue("@subject", subject);
        command.Parameters.AddWithValue("@now", Time(now));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<BackgroundJob?> ClaimAsync(string kind, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            UPDATE jobs SET lease_owner = @owner, due = @until, attempts = attempts + 1
            WHERE id = (SELECT id FROM jobs WHERE kind = @kind AND due <= @now ORDER BY due, id LIMIT 1)
            RETURNING id, kind, subject, attempts, created;
            """);
        command.Parameters.AddWithValue("@kind", kind);
        command.Parameters.AddWithValue("@owner", owner);
        command.Parameters.AddWithValue("@now", Time(now));
        command.Parameters.AddWithValue("@until", Time(now + lease));
        var claimed = await ReadAllAsync(command, reader => new BackgroundJob(
            reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), ParseTime(reader.GetString(4))), cancellationToken);
        return claimed.Count == 0 ? null : claimed[0];
    }

    public async Task<bool> CompleteAsync(long id, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM jobs WHERE id = @id AND lease_owner = @owner;");
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> ReleaseAsync(long id, string owner, DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE jobs SET lease_owner = NULL, due = @due WHERE id = @id AND lease_owner = @owner;");
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@owner", owner);
        command.Parameters.AddWithValue("@due", Time(retryAt));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> CountAsync(string kind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT COUNT(*) FROM jobs WHERE kind = @kind;");
        command.Parameters.AddWithValue("@kind", kind);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
    }
}
