using System.Security.Claims;
using Attache.Core.Principals;

namespace Attache.Server.Auth;

/// <summary>The claims an authentication handler issues for a principal, and the core's <see cref="Caller"/> built back from them.</summary>
internal static class PrincipalClaims
{
    private const string AdminClaim = "attache:admin";

    public static AuthenticationTicketBuilder For(Principal principal) => new(principal.Name, principal.IsAdmin, principal.Groups);

    public static ClaimsPrincipal Create(string name, bool isAdmin, IEnumerable<string> groups, string scheme, IEnumerable<Claim>? extra = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name) };
        claims.AddRange(groups.Select(g => new Claim(ClaimTypes.GroupSid, g)));
        if (isAdmin)
        {
            claims.Add(new Claim(AdminClaim, "true"));
        }

        if (extra is not null)
        {
            claims.AddRange(extra);
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>
    /// The core's view of an authenticated request. When a request carries several credentials that each succeed, the
    /// first identity alone decides: claims of different principals are never mixed.
    /// </summary>
    public static Caller ToCaller(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = user.Identities.FirstOrDefault(i => i.IsAuthenticated)
            ?? throw new InvalidOperationException("The request has no authenticated principal.");
        return new Caller(
            identity.Name ?? throw new InvalidOperationException("An authenticated principal has a name."),
            identity.HasClaim(AdminClaim, "true"),
            identity.FindAll(ClaimTypes.GroupSid).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
    }

    internal readonly record struct AuthenticationTicketBuilder(string Name, bool IsAdmin, IReadOnlyList<string> Groups)
    {
        public Microsoft.AspNetCore.Authentication.AuthenticationTicket Ticket(string scheme, IEnumerable<Claim>? extra = null) =>
            new(Create(Name, IsAdmin, Groups, scheme, extra), scheme);
    }
}
