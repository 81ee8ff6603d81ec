using Attache.Core.Audit;
using Attache.Core.Ports;

namespace Attache.Core.Principals;

public sealed record NewPrincipal(
    string? Name,
    string? DisplayName = null,
    string? Kind = null,
    IReadOnlyList<string>? Groups = null,
    string? Password = null,
    string? Email = null,
    string? ClientId = null,
    string? ClientSecret = null,
    bool? Enabled = null);

/// <summary>A partial update: null members stay as they are.</summary>
public sealed record PrincipalPatch(
    string? DisplayName = null,
    IReadOnlyList<string>? Groups = null,
    string? Password = null,
    string? Email = null,
    bool? Enabled = null);

/// <summary>A new API key, shown once: only its hash is kept.</summary>
public sealed record IssuedApiKey(string Id, string Principal, string Key, DateTimeOffset Created);

/// <summary>A started session: <see cref="Token"/> goes into the cookie, only its hash is kept.</summary>
public sealed record StartedSession(string Token, SessionRecord Session);

/// <summary>How long a browser session lasts.</summary>
public sealed record SessionSettings(TimeSpan Lifetime)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(8);

    public SessionSettings()
        : this(DefaultLifetime)
    {
    }
}

/// <summary>
/// Principals and their credentials: administration (admins only), and the checks each authentication scheme makes.
/// A disabled principal fails every check.
/// </summary>
public sealed class PrincipalService(
    IPrincipalStore store, Credentials credentials, SessionSettings sessions, GuessThrottle throttle, AuditTrail audit, TimeProvider time)
{
    public const string AdminName = "admin";
    public const int MaxPageSize = 1000;

    public async Task<Outcome<Principal>> CreateAsync(Caller caller, NewPrincipal input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (RequireAdmin(caller) is { } denied)
        {
            return denied;
        }

        var now = time.GetUtcNow();
        var built = Build(input, now);
        if (!built.TryGetValue(out var principal, out var failure))
        {
            return failure;
        }

        return await store.TryCreateAsync(principal, cancellationToken)
            ? principal
            : new Failure.Conflict($"A principal named '{principal.Name}', or with the same client id or e-mail, already exists.");
    }

    public async Task<Outcome<Principal>> UpdateAsync(Caller caller, string name, PrincipalPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (RequireAdmin(caller) is { } denied)
        {
            return denied;
        }

        if (await store.FindAsync(name, cancellationToken) is not { } existing)
        {
            return NotFound(name);
        }

        if (patch.Groups is { } groups && InvalidGroups(groups) is { } badGroups)
        {
            return badGroups;
        }

        if (PrincipalRules.CheckDisplayName(patch.DisplayName) is { } badDisplayName)
        {
            return badDisplayName;
        }

        if (patch.Password is { Length: 0 })
        {
            return new Failure.Invalid("password must not be empty.", "password");
        }

        if (patch.Email is { } email && PrincipalRules.CheckEmail(email) is { } badEmail)
        {
            return badEmail;
        }

        if (name == caller.Name && (patch.Enabled == false
            || (patch.Groups is { } newGroups && !newGroups.Contains(PrincipalGroups.Administrators, StringComparer.Ordinal))))
        {
            return new Failure.Conflict("An administrator may not disable themself or leave the admin group; ask another administrator.");
        }

        var updated = existing with
        {
            DisplayName = patch.DisplayName ?? existing.DisplayName,
            Groups = patch.Groups?.Distinct(StringComparer.Ordinal).ToList() ?? existing.Groups,
            PasswordHash = patch.Password is { } password ? credentials.HashPassword(password) : existing.PasswordHash,
            Email = patch.Email ?? existing.Email,
            Enabled = patch.Enabled ?? existing.Enabled,
            Modified = time.GetUtcNow(),
        };
        if (!await store.UpdateAsync(updated, cancellationToken))
        {
            return new Failure.Conflict($"The e-mail '{updated.Email}' belongs to another principal.");
        }

        if (patch.Password is not null)
        {
            // A new password ends every session signed in with an old one.
            await store.DeleteSessionsAsync(name, cancellationToken);
        }

        return updated;
    }

    public async Task<Outcome<Principal>> GetAsync(Caller caller, string name, CancellationToken cancellationToken)
    {
        if (RequireAdmin(caller) is { } denied)
        {
            return denied;
        }

        return await store.FindAsync(name, cancellationToken) is { } principal ? principal : NotFound(name);
    }

    public async Task<Outcome<IReadOnlyList<Principal>>> ListAsync(Caller caller, string? after, int limit, CancellationToken cancellationToken)
    {
        if (RequireAdmin(caller) is { } denied)
        {
            return denied;
        }

        if (limit is < 1 or > MaxPageSize)
        {
            return new Failure.Invalid($"limit must be from 1 to {MaxPageSize}.", "limit");
        }

        return Outcome.Of(await store.ListAsync(after, limit, cancellationToken));
    }

    public async Task<Outcome<IssuedApiKey>> IssueApiKeyAsync(Caller caller, string name, CancellationToken cancellationToken)
    {
        if (RequireAdmin(caller) is { } denied)
        {
            return denied;
        }

        if (await store.FindAsync(name, cancellationToken) is null)
        {
            return NotFound(name);
        }

        return await IssueKeyAsync(name, cancellationToken);
    }

    public async Task<Outcome<IReadOnlyList<ApiKeyRecord>>> ListApiKeysAsync(Caller caller, string name, CancellationToken cancellationToken)
    {
        if (RequireAdmin(caller) is { } denied)
        {
            return denied;
        }

        if (await store.FindAsync(name, cancellationToken) is null)
        {
            return NotFound(name);
        }

        return Outcome.Of(await store.ListApiKeysAsync(name, cancellationToken));
    }

    public async Task<Outcome<bool>> RevokeApiKeyAsync(Caller caller, string name, string keyId, CancellationToken cancellationToken)
    {
        if (RequireAdmin(caller) is { } denied)
        {
            return denied;
        }

        return await store.RevokeApiKeyAsync(name, keyId, cancellationToken)
            ? true
            : new Failure.NotFound($"Principal '{name}' has no API key '{keyId}'.");
    }

    /// <summary>The principal with this name when it exists and is enabled, or null.</summary>
    public async Task<Principal?> FindEnabledAsync(string name, CancellationToken cancellationToken) =>
        Enabled(await store.FindAsync(name, cancellationToken));

    /// <summary>The enabled principal holding this API key, or null.</summary>
    public async Task<Principal?> AuthenticateApiKeyAsync(string key, CancellationToken cancellationToken) =>
        Enabled(await store.FindByApiKeyAsync(Credentials.Sha256Hex(key), cancellationToken));

    /// <summary>The enabled principal with this name and password, or null. Costs the same whether or not the name exists.</summary>
    public async Task<Principal?> AuthenticatePasswordAsync(string name, string password, CancellationToken cancellationToken) =>
        (await CheckPasswordAsync(name, password, cancellationToken)).Principal;

    /// <summary>
    /// Checks a name and password: the enabled principal, or nothing; or, after too many wrong passwords for the name,
    /// how long to wait (see <see cref="GuessThrottle"/>).
    /// </summary>
    public async Task<SecretCheck> CheckPasswordAsync(string name, string password, CancellationToken cancellationToken)
    {
        var account = "password:" + name;
        if (throttle.RetryAfter(account) is { } wait)
        {
            return new SecretCheck(null, wait);
        }

        var principal = await store.FindAsync(name, cancellationToken);
        return Judge(account, credentials.VerifyPassword(principal?.PasswordHash, password) ? principal : null);
    }

    /// <summary>Checks a client id and secret, like <see cref="CheckPasswordAsync"/>.</summary>
    public async Task<SecretCheck> CheckClientAsync(string clientId, string secret, CancellationToken cancellationToken)
    {
        var account = "client:" + clientId;
        if (throttle.RetryAfter(account) is { } wait)
        {
            return new SecretCheck(null, wait);
        }

        var principal = await store.FindByClientIdAsync(clientId, cancellationToken);
        return Judge(account, credentials.VerifyPassword(principal?.ClientSecretHash, secret) ? principal : null);
    }

    /// <summary>
    /// Signs in with a password: the new session, or nothing when the name or password is wrong or the principal is
    /// disabled; or how long to wait when the name is throttled.
    /// </summary>
    public async Task<(StartedSession? Started, TimeSpan? RetryAfter)> StartSessionAsync(
        string name, string password, CancellationToken cancellationToken)
    {
        var check = await CheckPasswordAsync(name, password, cancellationToken);
        if (check.Principal is not { } principal)
        {
            return (null, check.RetryAfter);
        }

        var token = Credentials.RandomToken();
        var now = time.GetUtcNow();

        // Sign-ins are rare next to requests, so expired sessions are swept here rather than by a timer.
        await store.DeleteExpiredSessionsAsync(now, cancellationToken);
        var session = new SessionRecord(Credentials.Sha256Hex(token), principal.Name, now, now + sessions.Lifetime);
        await store.AddSessionAsync(session, cancellationToken);
        return (new StartedSession(token, session), null);
    }

    /// <summary>The enabled principal of a live session, or null when the session is unknown, ended or expired.</summary>
    public async Task<Principal?> AuthenticateSessionAsync(string token, CancellationToken cancellationToken)
    {
        if (await store.FindSessionAsync(Credentials.Sha256Hex(token), cancellationToken) is not var (session, principal))
        {
            return null;
        }

        return time.GetUtcNow() < session.Expires ? Enabled(principal) : null;
    }

    /// <summary>Ends the session; false when it was not live.</summary>
    public Task<bool> EndSessionAsync(string token, CancellationToken cancellationToken) =>
        store.DeleteSessionAsync(Credentials.Sha256Hex(token), cancellationToken);

    /// <summary>
    /// Makes sure the <c>admin</c> principal exists. When the store had none and <paramref name="issueKey"/> is set, gives
    /// it an API key and returns that key, to be shown once; otherwise returns null.
    /// </summary>
    public async Task<string?> EnsureAdminAsync(bool issueKey, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(AdminName, cancellationToken) is not null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var admin = new Principal
        {
            Name = AdminName,
            DisplayName = "Administrator",
            Groups = [PrincipalGroups.Administrators],
            Created = now,
            Modified = now,
        };
        if (!await store.TryCreateAsync(admin, cancellationToken) || !issueKey)
        {
            // Another node created it first, and made the key.
            return null;
        }

        return (await IssueKeyAsync(AdminName, cancellationToken)).Key;
    }

    /// <summary>Checks the rules for a new principal and hashes its secrets.</summary>
    public Outcome<Principal> Build(NewPrincipal input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (PrincipalRules.Check(input) is { } invalid)
        {
            return invalid;
        }

        var kind = input.Kind ?? PrincipalKinds.User;
        return new Principal
        {
            Name = input.Name!,
            DisplayName = input.DisplayName ?? input.Name!,
            Kind = kind,
            Groups = input.Groups?.Distinct(StringComparer.Ordinal).ToList() ?? [],
            Enabled = input.Enabled ?? true,
            Email = input.Email,
            PasswordHash = input.Password is { } password ? credentials.HashPassword(password) : null,
            ClientId = input.ClientId,
            ClientSecretHash = input.ClientSecret is { } secret ? credentials.HashPassword(secret) : null,
            Created = now,
            Modified = now,
        };
    }

    private async Task<IssuedApiKey> IssueKeyAsync(string name, CancellationToken cancellationToken)
    {
        var key = Credentials.NewApiKey();
        var record = new ApiKeyRecord(Ids.NewShortId(), name, Credentials.Sha256Hex(key), time.GetUtcNow());
        await store.AddApiKeyAsync(record, cancellationToken);
        return new IssuedApiKey(record.Id, name, key, record.Created);
    }

    private static Principal? Enabled(Principal? principal) => principal is { Enabled: true } ? principal : null;

    /// <summary>A wrong secret counts towards the throttle; a right one clears it, even for a disabled principal.</summary>
    private SecretCheck Judge(string account, Principal? verified)
    {
        if (verified is null)
        {
            throttle.Failed(account);
            return default;
        }

        throttle.Succeeded(account);
        return new SecretCheck(Enabled(verified), null);
    }

    /// <summary>Null for an administrator; otherwise the refusal, audited.</summary>
    private Failure.Forbidden? RequireAdmin(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsAdmin)
        {
            return null;
        }

        var denied = new Failure.Forbidden("Only an administrator may manage principals.");
        audit.Denied(caller, "manage-principals", denied);
        return denied;
    }

    private static Failure.Invalid? InvalidGroups(IReadOnlyList<string> groups) => PrincipalRules.CheckGroups(groups);

    private static Failure.NotFound NotFound(string name) => new($"Principal '{name}' was not found.");
}
