using Attache.Core.Editing;
using Attache.Core.Ports;

namespace Attache.Storage.Tests.Metadata;

/// <summary>What every <see cref="IEditorSessionStore"/> adapter promises. Each adapter's test class inherits it once.</summary>
public abstract class EditorSessionStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, 123, TimeSpan.Zero);

    protected abstract IEditorSessionStore Store { get; }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_created_session_is_found_with_every_field_and_its_id_is_taken()
    {
        var session = Session("s1", "7", T0.AddTicks(1));

        Assert.True(await Store.TryCreateAsync(session, Token));
        Assert.False(await Store.TryCreateAsync(Session("s1", "8", T0), Token));

        Assert.Equal(session, await Store.FindAsync("s1", Token));
        Assert.Null(await Store.FindAsync("S1", Token));
        Assert.Null(await Store.FindAsync("s2", Token));
    }

    [Fact]
    public async Task Closing_sets_the_time_once_and_answers_null_for_an_unknown_session()
    {
        await Store.TryCreateAsync(Session("s1", "7", T0), Token);

        var closed = await Store.CloseAsync("s1", T0.AddMinutes(3), Token);
        var again = await Store.CloseAsync("s1", T0.AddMinutes(9), Token);

        Assert.Equal(T0.AddMinutes(3), closed?.Closed);
        Assert.Equal(closed, again);
        Assert.Equal(closed, await Store.FindAsync("s1", Token));
        Assert.Null(await Store.CloseAsync("nope", T0, Token));
    }

    [Fact]
    public async Task A_files_sessions_are_listed_oldest_first_and_no_others()
    {
        await Store.TryCreateAsync(Session("b", "7", T0.AddMinutes(2)), Token);
        await Store.TryCreateAsync(Session("c", "7", T0.AddMinutes(1)), Token);
        await Store.TryCreateAsync(Session("a", "7", T0.AddMinutes(1)), Token);
        await Store.TryCreateAsync(Session("d", "8", T0), Token);
        await Store.CloseAsync("b", T0.AddMinutes(5), Token);

        var listed = await Store.ListAsync("7", Token);

        Assert.Equal(["a", "c", "b"], listed.Select(s => s.Id));
        Assert.Equal(T0.AddMinutes(5), listed[2].Closed);
        Assert.Empty(await Store.ListAsync("9", Token));
    }

    private static EditorSession Session(string id, string fileId, DateTimeOffset opened) =>
        new() { Id = id, FileId = fileId, Principal = "rev-user", Opened = opened };
}
