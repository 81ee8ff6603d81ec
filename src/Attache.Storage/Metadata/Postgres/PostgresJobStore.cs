using Attache.Core.Ports;
using static Attache.Storage.Metadata.Postgres.PostgresDatabase;

namespace Attache.Storage.Metadata.Postgres;

/// <summary>
/// <see cref="IJobStore"/> in the <c>jobs</c> table of the shared PostgreSQL database. A claim locks the oldest due row
/// with <c>FOR UPDATE SKIP LOCKED</c>, so two nodes claiming at once take different jobs and never the same one.
/// </summary>
public sealed class PostgresJobStore(PostgresDatabase database) : IJobStore
{
    public async Task<bool> EnqueueAsync(string kind, string subject, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            INSERT INTO jobs (kind, subject, attempts, lease_owner, due, created)
            VALUES (@kind, @subject, 0, NULL, @now, @now)
            ON CONFLICT (kind, subject) DO NOTHING;
            """);
        AddText(command, "kind", kind);
        AddText(command, "subject", subject);
        AddTime(command, "now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<BackgroundJob?> ClaimAsync(string kind, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            UPDATE jobs SET lease_owner = @owner, due = @until, attempts = attempts + 1
            WHERE id = (SELECT id FROM jobs WHERE kind = @kind AND due <= @now ORDER BY due, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, kind, subject, attempts, created;
            """);
        AddText(command, "kind", kind);
        AddText(command, "owner", owner);
        AddTime(command, "now", now);
        AddTime(command, "until", now + lease);
        var claimed = await ReadAllAsync(command, reader => new BackgroundJob(
            reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), Time(reader, 4)), cancellationToken);
        return claimed.Count == 0 ? null : claimed[0];
    }

    public async Task<bool> CompleteAsync(long id, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM jobs WHERE id = @id AND lease_owner = @owner;");
        AddBigint(command, "id", id);
        AddText(command, "owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> ReleaseAsync(long id, string owner, DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE jobs SET lease_owner = NULL, due = @due WHERE id = @id AND lease_owner = @owner;");
        AddBigint(command, "id", id);
        AddText(command, "owner", owner);
        AddTime(command, "due", retryAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<int> CountAsync(string kind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT COUNT(*) FROM jobs WHERE kind = @kind;");
        AddText(command, "kind", kind);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
    }
}
