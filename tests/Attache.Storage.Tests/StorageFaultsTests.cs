using System.Net;
using System.Net.Sockets;
using Amazon.S3;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Attache.Storage.Tests;

public sealed class StorageFaultsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_SQLite_write_blocked_by_another_connection_is_unavailable()
    {
        var source = $"Data Source={Path.Combine(_folder.Path, "busy.db")};Pooling=False";
        await using var holder = new SqliteConnection(source);
        await holder.OpenAsync(Token);
        await Execute(holder, "PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); BEGIN EXCLUSIVE;");
        await using var writer = new SqliteConnection(source + ";Default Timeout=1");
        await writer.OpenAsync(Token);

        var busy = await Assert.ThrowsAsync<SqliteException>(() => Execute(writer, "INSERT INTO t VALUES (1);"));

        Assert.Equal(StorageFault.Unavailable, StorageFaults.Classify(busy));
    }

    [Fact]
    public async Task A_PostgreSQL_server_that_cannot_be_reached_is_unavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=u;Password=p;Timeout=2");

        var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync(Token));

        Assert.Equal(StorageFault.Unavailable, StorageFaults.Classify(refused));
    }

    [Theory]
    [InlineData(28, StorageFault.Full)] // ENOSPC, as the runtime reports a failed write (HResult = errno)
    [InlineData(122, StorageFault.Full)] // EDQUOT
    [InlineData(5, null)] // EIO: a fault of the disk, not of capacity: a plain 500
    public void An_IOException_is_classified_by_its_errno(int errno, StorageFault? expected) =>
        Assert.Equal(expected, StorageFaults.Classify(new IOException("write failed", errno)));

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, "SlowDown", StorageFault.Unavailable)]
    [InlineData(HttpStatusCode.InternalServerError, "InternalError", StorageFault.BadGateway)]
    [InlineData(HttpStatusCode.OK, "InternalError", StorageFault.BadGateway)]
    public void An_S3_error_answer_is_unavailable_when_it_says_so_and_a_bad_gateway_otherwise(HttpStatusCode status, string code, StorageFault expected) =>
        Assert.Equal(expected, StorageFaults.Classify(new AmazonS3Exception("failed") { StatusCode = status, ErrorCode = code }));

    [Fact]
    public void A_timeout_wrapped_in_a_cancellation_is_unavailable_and_a_bug_is_nothing() =>
        Assert.Multiple(
            () => Assert.Equal(StorageFault.Unavailable, StorageFaults.Classify(new TaskCanceledException("timed out", new TimeoutException()))),
            () => Assert.Equal(StorageFault.Unavailable, StorageFaults.Classify(new AmazonS3Exception("reset", new HttpRequestException("reset")))),
            () => Assert.Null(StorageFaults.Classify(new InvalidOperationException("bug"))));

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Token);
    }
}
