using Attache.Core.Editing;
using Attache.Core.Files;

namespace Attache.Core.Tests;

public sealed class StableVersionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly FileVersion[] Versions = [Version(1, T0), Version(2, T0.AddMinutes(5)), Version(3, T0.AddMinutes(7))];

    [Fact]
    public void Without_sessions_the_latest_version_is_stable()
    {
        Assert.Equal(3, StableVersions.Choose(Versions, [], T0.AddMinutes(8)));
        Assert.Null(StableVersions.Choose([], [], T0));
    }

    [Theory]
    [InlineData(9, 1)]      // open: the version before the session opened
    [InlineData(11, 1)]     // closed at 10: 1:00 of quiet
    [InlineData(11.999, 1)] // 1:59.94 of quiet
    [InlineData(12, 3)]     // two minutes: the latest
    public void One_session_holds_back_what_was_stored_during_it_until_two_minutes_after_it_closed(double minutes, int expected)
    {
        EditorSession[] sessions = [Session(T0.AddMinutes(4), T0.AddMinutes(10))];

        Assert.Equal(expected, StableVersions.Choose(Versions, sessions, T0.AddMinutes(minutes)));
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(12, 1)]     // the first closed two minutes ago, but the second closed at 11
    [InlineData(12.999, 1)]
    [InlineData(13, 3)]
    public void Overlapping_sessions_make_one_busy_stretch(double minutes, int expected)
    {
        EditorSession[] sessions = [Session(T0.AddMinutes(4), T0.AddMinutes(10)), Session(T0.AddMinutes(6), T0.AddMinutes(11))];

        Assert.Equal(expected, StableVersions.Choose(Versions, sessions, T0.AddMinutes(minutes)));
    }

    [Fact]
    public void Sessions_that_only_touch_chain_and_an_earlier_quiet_moment_keeps_what_was_current_then()
    {
        // 4–6 busy until 8, 8–9 busy until 11: one stretch from 4. Version 2 (at 5) never had a quiet moment.
        EditorSession[] chained = [Session(T0.AddMinutes(4), T0.AddMinutes(6)), Session(T0.AddMinutes(8), T0.AddMinutes(9))];
        Assert.Equal(1, StableVersions.Choose(Versions, chained, T0.AddMinutes(10)));

        // 4–5.5 quiet from 7.5, then 7.9 opens: at 7.5 version 3 (at 7) was current, so it is served.
        EditorSession[] apart = [Session(T0.AddMinutes(4), T0.AddMinutes(5.5)), Session(T0.AddMinutes(7.9), null)];
        Assert.Equal(3, StableVersions.Choose(Versions, apart, T0.AddMinutes(20)));
    }

    [Fact]
    public void A_session_opened_later_than_now_does_not_count_and_every_version_stored_while_busy_falls_back_to_the_first()
    {
        Assert.Equal(3, StableVersions.Choose(Versions, [Session(T0.AddMinutes(30), null)], T0.AddMinutes(20)));
        Assert.Equal(1, StableVersions.Choose(Versions, [Session(T0, null)], T0.AddMinutes(20)));
    }

    private static EditorSession Session(DateTimeOffset opened, DateTimeOffset? closed) =>
        new() { Id = Guid.NewGuid().ToString("N"), FileId = "7", Principal = "p", Opened = opened, Closed = closed };

    private static FileVersion Version(int number, DateTimeOffset created) => new()
    {
        FileId = "7",
        Number = number,
        Size = 1,
        Sha256 = "",
        Md5 = "",
        FileName = "t.json",
        MediaType = "application/json",
        Created = created,
    };
}
