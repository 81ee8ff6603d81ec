using Attache.Core.Ports;
using Attache.Storage.Metadata.Sqlite;

namespace Attache.Storage.Tests.Metadata;

public sealed class SqliteEditorSessionStoreTests : EditorSessionStoreContract, IAsyncLifetime
{
    private readonly TempDatabase _temp = new();

    public SqliteEditorSessionStoreTests() => Store = new SqliteEditorSessionStore(_temp.Database);

    protected override IEditorSessionStore Store { get; }

    public async ValueTask InitializeAsync() => await _temp.MigrateAsync();

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
