using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Attache.Storage;

/// <summary>What a failure of a store means for the request that met it.</summary>
public enum StorageFault
{
    /// <summary>The disk, quota or database is full: nothing more can be stored until space is freed.</summary>
    Full,

    /// <summary>The database or blob service cannot be reached or is busy for now; the same request may succeed later.</summary>
    Unavailable,

    /// <summary>The blob service answered, but with an error or an answer that cannot be trusted.</summary>
    BadGateway,
}

/// <summary>
/// Recognises the exceptions of the stores' drivers (file system, SQLite, Npgsql, the S3 SDK) that are faults of the
/// environment rather than bugs, so that the server can answer them with 507, 503 or 502 instead of a bare 500.
/// </summary>
public static class StorageFaults
{
    private const int NoSpaceErrno = 28;
    private const int QuotaExceededErrno = 122;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteInputOutput = 10;
    private const int SqliteFull = 13;
    private const int SqliteCannotOpen = 14;

    /// <summary>The fault behind <paramref name="exception"/> or any exception it wraps; null for anything else.</summary>
    public static StorageFault? Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (ClassifyOne(current) is { } fault)
            {
                return fault;
            }

            if (current is AggregateException { InnerExceptions: [var only] })
            {
                return Classify(only);
            }
        }

        return null;
    }

    private static StorageFault? ClassifyOne(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode switch
        {
            SqliteFull => StorageFault.Full,
            SqliteBusy or SqliteLocked or SqliteReadOnly or SqliteCannotOpen or SqliteInputOutput => StorageFault.Unavailable,
            _ => null,
        },
        PostgresException postgres => Postgres(postgres.SqlState),
        // Npgsql's own exceptions (not the server's) are failures to reach or talk to the server: connect, read, pool exhausted.
        NpgsqlException => StorageFault.Unavailable,
        AmazonServiceException service when service.StatusCode == HttpStatusCode.ServiceUnavailable
                                            || service.ErrorCode is "SlowDown" or "ServiceUnavailable" or "RequestTimeout" => StorageFault.Unavailable,
        // The SDK wraps a connection that was refused, reset or timed out: the service was not reached.
        AmazonServiceException { InnerException: HttpRequestException or IOException or SocketException or TimeoutException } => StorageFault.Unavailable,
        AmazonS3Exception or AmazonServiceException => StorageFault.BadGateway,
        HttpRequestException or SocketException or TimeoutException => StorageFault.Unavailable,
        IOException io when io.HResult is NoSpaceErrno or QuotaExceededErrno or WindowsDiskFull or WindowsHandleDiskFull => StorageFault.Full,
        _ => null,
    };

    private static StorageFault? Postgres(string sqlState) => sqlState switch
    {
        "53100" => StorageFault.Full,
        // Connection exceptions, too many connections, and the server shutting down or starting up.
        _ when sqlState.StartsWith("08", StringComparison.Ordinal) => StorageFault.Unavailable,
        "53300" or "57P01" or "57P02" or "57P03" => StorageFault.Unavailable,
        _ => null,
    };
}
