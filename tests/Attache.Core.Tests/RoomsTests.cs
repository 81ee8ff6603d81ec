using Attache.Core.Documents;
using Attache.Core.Principals;
using Attache.Core.Tests.Fakes;

namespace Attache.Core.Tests;

public sealed class RoomsTests
{
    private static readonly Document Message = new()
    {
        Id = "42",
        Kind = Rooms.MessageKind,
        Owner = "author",
        Properties = new Dictionary<string, string> { [Rooms.RoomIdProperty] = "6" },
        Created = CoreServices.Start,
        Modified = CoreServices.Start,
    };

    private static Caller InGroups(params string[] groups) => new("someone", false, new HashSet<string>(groups));

    [Fact]
    public void Members_of_a_messages_room_may_view_and_attach_but_not_delete()
    {
        var member = InGroups("room:6");

        Assert.Null(AccessControl.Check(member, Message, Permissions.View));
        Assert.Null(AccessControl.Check(member, Message, Permissions.Attach));
        Assert.IsType<Failure.Forbidden>(AccessControl.Check(member, Message, Permissions.Edit));
        Assert.IsType<Failure.Forbidden>(AccessControl.Check(member, Message, Permissions.Delete));
    }

    [Fact]
    public void Whoever_may_edit_a_document_may_attach_to_it()
    {
        var editor = InGroups("editors");
        var document = Message with { Acl = [new AclEntry(null, "editors", [Permissions.View, Permissions.Edit])] };

        Assert.Null(AccessControl.Check(editor, document, Permissions.Attach));
        Assert.Null(AccessControl.Check(new Caller("author", false, new HashSet<string>()), Message, Permissions.Attach));
        Assert.IsType<Failure.Forbidden>(AccessControl.Check(
            editor, Message with { Acl = [new AclEntry(null, "editors", [Permissions.View])] }, Permissions.Attach));
    }

    [Theory]
    [InlineData("room:7")]
    [InlineData("room-6")]
    [InlineData("room:06")]
    [InlineData("Room:6")]
    public void Other_groups_do_not_reach_the_room(string group) =>
        Assert.IsType<Failure.NotFound>(AccessControl.Check(InGroups(group), Message, Permissions.View));

    [Fact]
    public void Only_messages_with_a_numeric_room_have_members()
    {
        var member = InGroups("room:6");

        Assert.IsType<Failure.NotFound>(AccessControl.Check(member, Message with { Kind = DocumentKinds.Generic }, Permissions.View));
        Assert.IsType<Failure.NotFound>(AccessControl.Check(
            member, Message with { Properties = new Dictionary<string, string> { [Rooms.RoomIdProperty] = "six" } }, Permissions.View));
        Assert.IsType<Failure.NotFound>(AccessControl.Check(member, Message with { Deleted = CoreServices.Start }, Permissions.View));
    }

    [Theory]
    [InlineData("42", 42L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("042", null)]
    [InlineData("+42", null)]
    [InlineData("0", null)]
    [InlineData("-1", null)]
    [InlineData("9223372036854775808", null)]
    [InlineData("", null)]
    [InlineData("٤٢", null)]
    public void Ids_are_plain_positive_numbers(string text, long? expected) => Assert.Equal(expected, Rooms.ParseId(text));

    [Theory]
    [InlineData("room:6", true)]
    [InlineData("room-6", true)]
    [InlineData(":room", false)]
    [InlineData(".room", false)]
    [InlineData("room 6", false)]
    [InlineData("room/6", false)]
    public void Group_names_may_hold_a_colon_after_their_first_character(string group, bool valid) =>
        Assert.Equal(valid, PrincipalRules.CheckGroups([group]) is null);
}
