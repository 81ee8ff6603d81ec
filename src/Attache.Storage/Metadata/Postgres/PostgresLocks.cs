using Attache.Core.Cluster;
using Attache.Core.Ports;
using Npgsql;
using static Attache.Storage.Metadata.Postgres.PostgresDatabase;

namespace Attache.Storage.Metadata.Postgres;

/// <summary>
/// <see cref="IClusterLocks"/> as PostgreSQL session advisory locks, so they hold across every node on the database.
/// Waiters of one process queue in memory first, so a node holds at most one connection per held name. Should a node
/// die, PostgreSQL ends its session and with it the lock.
/// </summary>
public sealed class PostgresLocks(PostgresDatabase database) : IClusterLocks
{
    /// <summary>First half of every key ("Atta"), keeping Attache's locks apart from other users of the database.</summary>
    private const int KeySpace = 0x4174_7461;

    private readonly ProcessLocks _local = new();

    public async Task<IAsyncDisposable> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var local = await _local.AcquireAsync(name, cancellationToken);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await database.OpenAsync(cancellationToken);
            await using (var command = Command(connection, "SELECT pg_advisory_lock(@space, hashtext(@name));"))
            {
                command.Parameters.AddWithValue("space", KeySpace);
                AddText(command, "name", name);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return new Held(connection, name, local);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            await local.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection, string name, IAsyncDisposable local) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                await using var command = Command(connection, "SELECT pg_advisory_unlock(@space, hashtext(@name));");
                command.Parameters.AddWithValue("space", KeySpace);
                AddText(command, "name", name);
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            finally
            {
                await connection.DisposeAsync();
                await local.DisposeAsync();
            }
        }
    }
}
