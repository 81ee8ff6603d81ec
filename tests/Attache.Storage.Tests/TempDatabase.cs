using Attache.Storage.Metadata.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attache.Storage.Tests;

/// <summary>A fresh SQLite database in a folder of its own, migrated by <see cref="MigrateAsync"/>, deleted on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly TempFolder _folder = new();

    public TempDatabase(string relativePath = "attache.db")
    {
        ConnectionString = $"Data Source={System.IO.Path.Combine(_folder.Path, relativePath)}";
        Database = new SqliteDatabase(ConnectionString, NullLogger<SqliteDatabase>.Instance);
    }

    public string ConnectionString { get; }

    public SqliteDatabase Database { get; }

    public Task MigrateAsync() => Database.MigrateAsync(TestContext.Current.CancellationToken);

    public void Dispose()
    {
        // Pooled connections keep the file open; release them so the folder can go.
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
