using System.Security.Cryptography;
using System.Text;
using Attache.Core.Ports;

namespace Attache.Core.Principals;

/// <summary>An end user a client vouches for: who they are, and the group the client places them in (optional).</summary>
public sealed record ClientUser(string? FirstName, string? LastName, string Email, string? GroupName);

/// <summary>
/// Users that a client (a principal of kind client) creates and keeps up to date by e-mail, as token APIs that carry an
/// end user do. A client manages only the users it created: each one's name is derived from the client and the e-mail,
/// so an e-mail that belongs to any other principal (an administrator, a native user, another client's user) is refused,
/// never taken over. A client places users only into groups it is a member of itself, and never into <c>admin</c>.
/// </summary>
public sealed class ClientUsers(IPrincipalStore store, TimeProvider time)
{
    public const int MaxNamePartLength = 128;
    private const string NamePrefix = "cu-";
    private const int MaxAttempts = 3;

    /// <summary>
    /// Creates the user or updates its display name and adds the group. Invalid (field <c>user.email</c>,
    /// <c>user.first_name</c>, <c>user.last_name</c> or <c>user.group_name</c>) for malformed input; Forbidden for a
    /// group the client may not grant, an e-mail of a principal the client does not manage, or a disabled user.
    /// </summary>
    public async Task<Outcome<Principal>> UpsertAsync(Principal client, ClientUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(user);
        if (client.Kind != PrincipalKinds.Client || !client.Enabled)
        {
            return new Failure.Forbidden("Only an enabled client manages users.");
        }

        if (Check(client, user) is { } refused)
        {
            return refused;
        }

        var email = NormalizeEmail(user.Email);
        var name = NameFor(client, email);
        var displayName = string.Join(' ', new[] { user.FirstName?.Trim(), user.LastName?.Trim() }.Where(p => !string.IsNullOrEmpty(p)));
        if (displayName.Length == 0)
        {
            displayName = email;
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var now = time.GetUtcNow();
            var existing = await store.FindByEmailAsync(email, cancellationToken) ?? await store.FindAsync(name, cancellationToken);
            if (existing is null)
            {
                var created = new Principal
                {
                    Name = name,
                    DisplayName = displayName,
                    Kind = PrincipalKinds.User,
                    Email = email,
                    Groups = user.GroupName is { } group ? [group] : [],
                    Created = now,
                    Modified = now,
                };
                if (await store.TryCreateAsync(created, cancellationToken))
                {
                    return created;
                }

                // Another request created it (or took the e-mail) first: read again.
                continue;
            }

            if (existing.Name != name)
            {
                return new Failure.Forbidden("The e-mail belongs to a principal this client does not manage.");
            }

            if (!existing.Enabled)
            {
                return new Failure.Forbidden("The user is disabled.");
            }

            var groups = user.GroupName is { } joined && !existing.Groups.Contains(joined, StringComparer.Ordinal)
                ? existing.Groups.Append(joined).ToList()
                : existing.Groups;
            var updated = existing with { DisplayName = displayName, Email = email, Groups = groups, Modified = now };
            if (existing.DisplayName == displayName && existing.Email == email && ReferenceEquals(groups, existing.Groups))
            {
                return existing;
            }

            if (await store.UpdateAsync(updated, cancellationToken))
            {
                return updated;
            }
        }

        return new Failure.Conflict("The user kept changing while this request tried to change it; try again.");
    }

    /// <summary>The name of the user a client manages for an e-mail: a digest, so that it says nothing and cannot be chosen.</summary>
    public static string NameFor(Principal client, string email)
    {
        ArgumentNullException.ThrowIfNull(client);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(client.Name + "\n" + NormalizeEmail(email)));
        return NamePrefix + Convert.ToHexStringLower(digest.AsSpan(0, 20));
    }

    private static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    private static Failure? Check(Principal client, ClientUser user)
    {
        if (user.Email is null || PrincipalRules.CheckEmail(NormalizeEmail(user.Email)) is not null)
        {
            return new Failure.Invalid("Invalid email format in user.email", "user.email");
        }

        if (user.FirstName is { Length: > MaxNamePartLength } || user.FirstName?.Any(char.IsControl) == true)
        {
            return new Failure.Invalid($"user.first_name must be at most {MaxNamePartLength} characters, without control characters", "user.first_name");
        }

        if (user.LastName is { Length: > MaxNamePartLength } || user.LastName?.Any(char.IsControl) == true)
        {
            return new Failure.Invalid($"user.last_name must be at most {MaxNamePartLength} characters, without control characters", "user.last_name");
        }

        if (user.GroupName is not { } group)
        {
            return null;
        }

        if (!PrincipalRules.IsValidName(group))
        {
            return new Failure.Invalid("user.group_name " + PrincipalRules.NameRuleTail, "user.group_name");
        }

        return group == PrincipalGroups.Administrators || !client.Groups.Contains(group, StringComparer.Ordinal)
            ? new Failure.Forbidden($"The client may not place users in the group '{group}'.")
            : null;
    }
}
