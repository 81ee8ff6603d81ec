using Attache.Core.Documents;
using Attache.Core.Principals;
using Attache.Core.Tests.Fakes;

namespace Attache.Core.Tests;

public sealed class AccessControlTests
{
    private static readonly Document Live = new()
    {
        Id = "doc",
        Owner = "alice",
        Acl = Acl.Shared,
        Created = CoreServices.Start,
        Modified = CoreServices.Start,
    };

    private static readonly Document Deleted = Live with { Deleted = CoreServices.Start.AddHours(1) };

    public static TheoryData<string, string, string, string> Matrix => new()
    {
        // caller, permission, live, deleted
        { "owner", Permissions.View, "allowed", "not found" },
        { "owner", Permissions.Edit, "allowed", "not found" },
        { "owner", Permissions.Delete, "allowed", "not found" },
        { "viewer", Permissions.View, "allowed", "not found" },
        { "viewer", Permissions.Edit, "forbidden", "not found" },
        { "viewer", Permissions.Delete, "forbidden", "not found" },
        { "group member", Permissions.View, "allowed", "not found" },
        { "group member", Permissions.Edit, "allowed", "not found" },
        { "group member", Permissions.Delete, "forbidden", "not found" },
        { "stranger", Permissions.View, "not found", "not found" },
        { "stranger", Permissions.Edit, "not found", "not found" },
        { "stranger", Permissions.Delete, "not found", "not found" },
        { "admin", Permissions.View, "allowed", "allowed" },
        { "admin", Permissions.Edit, "allowed", "allowed" },
        { "admin", Permissions.Delete, "allowed", "allowed" },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Each_caller_gets_the_answer_the_matrix_gives(string caller, string permission, string onLive, string onDeleted)
    {
        Assert.Equal(onLive, Describe(AccessControl.Check(CallerNamed(caller), Live, permission)));
        Assert.Equal(onDeleted, Describe(AccessControl.Check(CallerNamed(caller), Deleted, permission)));
    }

    [Fact]
    public void An_acl_entry_with_admin_grants_every_permission()
    {
        var document = Live with { Acl = [new("dave", null, [Permissions.Admin])] };
        var dave = new Caller("dave", false, new HashSet<string>());

        Assert.All([Permissions.View, Permissions.Edit, Permissions.Delete], p => Assert.Null(AccessControl.Check(dave, document, p)));
    }

    [Fact]
    public void A_group_grant_does_not_apply_to_a_principal_named_like_the_group()
    {
        var legal = new Caller("legal", false, new HashSet<string>());

        Assert.IsType<Failure.NotFound>(AccessControl.Check(legal, Live, Permissions.View));
    }

    [Fact]
    public void Names_are_compared_exactly()
    {
        var shouting = new Caller("ALICE", false, new HashSet<string>());

        Assert.IsType<Failure.NotFound>(AccessControl.Check(shouting, Live, Permissions.View));
    }

    [Fact]
    public void A_stranger_is_told_the_document_does_not_exist_rather_than_forbidden()
    {
        var failure = AccessControl.Check(Callers.Stranger, Live, Permissions.Edit);

        Assert.Equal(new Failure.NotFound("Document 'doc' was not found."), failure);
    }

    private static Caller CallerNamed(string name) => name switch
    {
        "owner" => Callers.Owner,
        "viewer" => Callers.Viewer,
        "group member" => Callers.GroupMember,
        "stranger" => Callers.Stranger,
        "admin" => Callers.Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static string Describe(Failure? failure) => failure switch
    {
        null => "allowed",
        Failure.NotFound => "not found",
        Failure.Forbidden => "forbidden",
        _ => failure.ToString(),
    };
}
