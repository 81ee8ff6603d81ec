using Attache.Core;
using Attache.Core.Principals;
using Attache.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Attache.Server.Api;

internal sealed record CreatePrincipalRequest(
    string? Name,
    string? DisplayName,
    string? Kind,
    List<string>? Groups,
    string? Password,
    string? Email,
    string? ClientId,
    string? ClientSecret,
    bool? Enabled);

internal sealed record UpdatePrincipalRequest(string? DisplayName, List<string>? Groups, string? Password, string? Email, bool? Enabled);

/// <summary>A principal as the API shows it: never a secret or a hash.</summary>
internal sealed record PrincipalModel(
    string Name,
    string DisplayName,
    string Kind,
    IReadOnlyList<string> Groups,
    bool Enabled,
    bool IsAdmin,
    string? Email,
    string? ClientId,
    bool HasPassword,
    DateTimeOffset Created,
    DateTimeOffset Modified)
{
    public static PrincipalModel From(Principal p) =>
        new(p.Name, p.DisplayName, p.Kind, p.Groups, p.Enabled, p.IsAdmin, p.Email, p.ClientId, p.PasswordHash is not null, p.Created, p.Modified);
}

internal sealed record PrincipalPageModel(IReadOnlyList<PrincipalModel> Items, string? NextCursor);

internal sealed record ApiKeyModel(string Id, string Principal, string Key, DateTimeOffset Created);

internal sealed record ApiKeyInfoModel(string Id, DateTimeOffset Created);

/// <summary>Administration of principals and their API keys under <c>/v1/principals</c>; administrators only.</summary>
internal static class PrincipalEndpoints
{
    public static void MapPrincipals(this RouteGroupBuilder api)
    {
        api.MapPost("/principals", CreateAsync);
        api.MapGet("/principals", ListAsync);
        api.MapGet("/principals/{name}", GetAsync);
        api.MapPatch("/principals/{name}", UpdateAsync);
        api.MapPost("/principals/{name}/api-keys", IssueKeyAsync);
        api.MapGet("/principals/{name}/api-keys", ListKeysAsync);
        api.MapDelete("/principals/{name}/api-keys/{keyId}", RevokeKeyAsync);
    }

    private static async Task<Results<Created<PrincipalModel>, ProblemHttpResult>> CreateAsync(
        CreatePrincipalRequest request, HttpContext http, PrincipalService principals, CancellationToken cancellationToken)
    {
        var input = new NewPrincipal(request.Name, request.DisplayName, request.Kind, request.Groups, request.Password, request.Email,
            request.ClientId, request.ClientSecret, request.Enabled);
        var outcome = await principals.CreateAsync(http.Caller(), input, cancellationToken);
        return outcome.TryGetValue(out var principal, out var failure)
            ? TypedResults.Created($"{NativeApiEndpoints.PathBase}/principals/{Uri.EscapeDataString(principal.Name)}", PrincipalModel.From(principal))
            : failure.ToProblem();
    }

    private static async Task<Results<Ok<PrincipalPageModel>, ProblemHttpResult>> ListAsync(
        string? cursor, int? limit, HttpContext http, PrincipalService principals, CancellationToken cancellationToken)
    {
        var size = limit ?? 100;
        var outcome = await principals.ListAsync(http.Caller(), cursor, size, cancellationToken);
        return outcome.TryGetValue(out var page, out var failure)
            ? TypedResults.Ok(new PrincipalPageModel(page.Select(PrincipalModel.From).ToList(), page.Count == size ? page[^1].Name : null))
            : failure.ToProblem();
    }

    private static async Task<Results<Ok<PrincipalModel>, ProblemHttpResult>> GetAsync(
        string name, HttpContext http, PrincipalService principals, CancellationToken cancellationToken) =>
        ToOk(await principals.GetAsync(http.Caller(), name, cancellationToken));

    private static async Task<Results<Ok<PrincipalModel>, ProblemHttpResult>> UpdateAsync(
        string name, UpdatePrincipalRequest request, HttpContext http, PrincipalService principals, CancellationToken cancellationToken) =>
        ToOk(await principals.UpdateAsync(http.Caller(), name,
            new PrincipalPatch(request.DisplayName, request.Groups, request.Password, request.Email, request.Enabled), cancellationToken));

    private static async Task<Results<Created<ApiKeyModel>, ProblemHttpResult>> IssueKeyAsync(
        string name, HttpContext http, PrincipalService principals, CancellationToken cancellationToken)
    {
        var outcome = await principals.IssueApiKeyAsync(http.Caller(), name, cancellationToken);
        if (!outcome.TryGetValue(out var key, out var failure))
        {
            return failure.ToProblem();
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created(
            $"{NativeApiEndpoints.PathBase}/principals/{Uri.EscapeDataString(name)}/api-keys/{key.Id}",
            new ApiKeyModel(key.Id, key.Principal, key.Key, key.Created));
    }

    private static async Task<Results<Ok<List<ApiKeyInfoModel>>, ProblemHttpResult>> ListKeysAsync(
        string name, HttpContext http, PrincipalService principals, CancellationToken cancellationToken)
    {
        var outcome = await principals.ListApiKeysAsync(http.Caller(), name, cancellationToken);
        return outcome.TryGetValue(out var keys, out var failure)
            ? TypedResults.Ok(keys.Select(k => new ApiKeyInfoModel(k.Id, k.Created)).ToList())
            : failure.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(
        string name, string keyId, HttpContext http, PrincipalService principals, CancellationToken cancellationToken)
    {
        var outcome = await principals.RevokeApiKeyAsync(http.Caller(), name, keyId, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure.ToProblem();
    }

    private static Results<Ok<PrincipalModel>, ProblemHttpResult> ToOk(Outcome<Principal> outcome) =>
        outcome.TryGetValue(out var principal, out var failure) ? TypedResults.Ok(PrincipalModel.From(principal)) : failure.ToProblem();
}
