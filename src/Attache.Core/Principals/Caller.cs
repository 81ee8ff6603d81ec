namespace Attache.Core.Principals;

/// <summary>Who is asking: the authenticated principal as the core sees it.</summary>
public sealed record Caller(string Name, bool IsAdmin, IReadOnlySet<string> Groups)
{
    public static Caller Admin(string name = "admin") => new(name, true, new HashSet<string>());
}
