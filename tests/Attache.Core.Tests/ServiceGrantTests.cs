using Attache.Core.Dictations;
using Attache.Core.Documents;
using Attache.Core.Principals;
using Attache.Core.Tests.Fakes;

namespace Attache.Core.Tests;

public sealed class ServiceGrantTests
{
    private static readonly ServiceGrant Grant = new(DictationModel.Kind, "enterprise");

    private static readonly Principal Sarah = new()
    {
        Name = "sarah",
        Groups = ["enterprise"],
        Created = CoreServices.Start,
        Modified = CoreServices.Start,
    };

    private static readonly Document Dictation = new()
    {
        Id = "1ea29334-6008-41e4-8db5-0c88c14f6ac0",
        Kind = DictationModel.Kind,
        Owner = "sarah",
        State = DictationModel.FinishedState,
        Folder = DictationModel.ArchiveFolder,
        Created = CoreServices.Start,
        Modified = CoreServices.Start,
    };

    [Fact]
    public void A_grant_reads_the_dictations_of_enabled_members_of_its_group_only()
    {
        Assert.True(Grant.Allows(Dictation, Sarah));
        Assert.False(Grant.Allows(Dictation, Sarah with { Groups = ["legal"] }));
        Assert.False(Grant.Allows(Dictation, Sarah with { Enabled = false }));
        Assert.False(Grant.Allows(Dictation with { Kind = "transcript" }, Sarah));
        Assert.False(Grant.Allows(Dictation with { Owner = "john" }, Sarah));
        Assert.False(Grant.Allows(Dictation with { Deleted = CoreServices.Start }, Sarah));
        Assert.False(Grant.Allows(Dictation, Sarah with { Groups = ["Enterprise"] }));
    }

    [Fact]
    public void A_server_key_reaches_nothing_through_owners_acls_or_groups()
    {
        var key = Caller.ServerKey("SpeechExec", Grant, null);
        var shared = Dictation with
        {
            Owner = key.Name.Replace(":", "", StringComparison.Ordinal),
            Acl = [new AclEntry(null, "enterprise", [Permissions.Admin]), new AclEntry("server-key", null, [Permissions.View])],
        };

        Assert.False(PrincipalRules.IsValidName(key.Name));
        Assert.IsType<Failure.NotFound>(AccessControl.Check(key, shared, Permissions.View));
        Assert.IsType<Failure.NotFound>(AccessControl.Check(key, Dictation, Permissions.View));
        Assert.False(key.IsAdmin);
    }
}
