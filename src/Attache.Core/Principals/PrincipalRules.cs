namespace Attache.Core.Principals;

/// <summary>What names of principals, groups and client ids may look like.</summary>
public static class PrincipalRules
{
    public const int MaxNameLength = 128;

    /// <summary>Follows "name", "Each group" or "clientId" in error messages.</summary>
    public const string NameRuleTail = "must be 1–128 letters, digits or . _ - @ +, not starting with a dot.";

    /// <summary>
    /// Letters, digits and <c>. _ - @ +</c>: e-mail addresses and slugs fit; a colon (HTTP Basic's separator), a slash,
    /// spaces and control characters do not.
    /// </summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength && name[0] != '.'
        && name.All(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '@' or '+');

    /// <summary>The first rule a new principal breaks, naming its field; null when it keeps them all.</summary>
    public static Failure.Invalid? Check(NewPrincipal input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!IsValidName(input.Name))
        {
            return new Failure.Invalid("name " + NameRuleTail, "name");
        }

        if (CheckDisplayName(input.DisplayName) is { } badDisplayName)
        {
            return badDisplayName;
        }

        var kind = input.Kind ?? PrincipalKinds.User;
        if (!PrincipalKinds.IsKnown(kind))
        {
            return new Failure.Invalid($"kind must be '{PrincipalKinds.User}' or '{PrincipalKinds.Client}'.", "kind");
        }

        if (input.Groups is { } groups && CheckGroups(groups) is { } badGroups)
        {
            return badGroups;
        }

        if (input.Password is { Length: 0 })
        {
            return new Failure.Invalid("password must not be empty.", "password");
        }

        if ((kind == PrincipalKinds.Client) != (input.ClientId is not null))
        {
            return new Failure.Invalid("A client has a clientId and a user has none.", "clientId");
        }

        if ((input.ClientId is null) != (input.ClientSecret is null))
        {
            return new Failure.Invalid("A client has both clientId and clientSecret.", input.ClientId is null ? "clientId" : "clientSecret");
        }

        if (input.ClientId is { } clientId && !IsValidName(clientId))
        {
            return new Failure.Invalid("clientId " + NameRuleTail, "clientId");
        }

        if (input.ClientSecret is { Length: 0 })
        {
            return new Failure.Invalid("clientSecret must not be empty.", "clientSecret");
        }

        return input.Email is { } email ? CheckEmail(email) : null;
    }

    public static Failure.Invalid? CheckEmail(string email) =>
        email.Length is 0 or > 254 || !email.Contains('@', StringComparison.Ordinal) || email.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            ? new Failure.Invalid("email must look like an e-mail address.", "email")
            : null;

    /// <summary>A group name is a name that may also hold colons after its first character, as rooms' <c>room:6</c> do.</summary>
    public static bool IsValidGroupName(string? name) =>
        !string.IsNullOrEmpty(name) && name[0] != ':' && IsValidName(name.Replace(':', '.'));

    public static Failure.Invalid? CheckGroups(IReadOnlyList<string> groups) =>
        groups.Any(g => !IsValidGroupName(g))
            ? new Failure.Invalid("Each group must be 1–128 letters, digits or . _ - @ + :, not starting with a dot or a colon.", "groups")
            : null;

    /// <summary>A display name is free text but holds no control characters (PostgreSQL cannot store NUL at all).</summary>
    public static Failure.Invalid? CheckDisplayName(string? displayName) =>
        displayName is not null && displayName.Any(char.IsControl)
            ? new Failure.Invalid("displayName must not contain control characters.", "displayName")
            : null;
}
