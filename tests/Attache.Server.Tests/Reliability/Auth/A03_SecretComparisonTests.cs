using System.Buffers.Text;
using System.Globalization;
using System.Reflection;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Auth;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Attache.Server.Tests.Reliability.Auth;

/// <summary>
/// Reliability §3 A03: every secret comparison site takes the right secret and refuses one that differs only in its
/// last byte, through the real endpoints; and the ban on comparisons that stop at the first difference is in force in the
/// projects that handle secrets. The comparisons themselves are <c>Secrets.Equal</c> (unit tests in Attache.Core.Tests).
/// </summary>
public sealed class A03_SecretComparisonTests : IAsyncLifetime
{
    private const string ConfiguredSpeechExecKey = "configured-speechexec-key-0123456789";
    private const string ImportedServerKey = "imported-server-key-0123456789";

    private readonly AttacheApp _app = new(new Dictionary<string, string?>
    {
        ["Attache:Dialects:SpeechExec:ApiKeys:0"] = ConfiguredSpeechExecKey,
    });

    private HttpClient _admin = null!;
    private HttpClient _anonymous = null!;

    private static CancellationToken Token => NativeApi.Token;

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateAdminClient();
        _anonymous = _app.CreateClient();
        await _admin.CreatePrincipalAsync(new { name = "alice", password = People.Password("alice") });
        await _admin.CreatePrincipalAsync(new { name = "svc", kind = "client", clientId = "svc-id", clientSecret = "svc-secret-0123" });
        using var imported = await _admin.PostAsJsonAsync("/v1/import", new { serverApiKeys = new[] { ImportedServerKey } }, Token);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _anonymous.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>The same text with its last character replaced by another one the secret's alphabet allows.</summary>
    private static string LastChanged(string secret) => secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A');

    [Fact]
    public async Task A03_The_admin_key_differing_in_its_last_byte_is_refused()
    {
        Assert.Equal(HttpStatusCode.OK, await BearerAsync(AttacheApp.AdminKey, "/v1/principals"));
        Assert.Equal(HttpStatusCode.Unauthorized, await BearerAsync(LastChanged(AttacheApp.AdminKey), "/v1/principals"));
    }

    [Fact]
    public async Task A03_A_principals_api_key_differing_in_its_last_byte_is_refused()
    {
        var key = await _admin.IssueKeyAsync("alice");

        Assert.Equal(HttpStatusCode.OK, await BearerAsync(key, "/v1/documents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await BearerAsync(LastChanged(key), "/v1/documents"));
    }

    [Fact]
    public async Task A03_A_session_id_differing_in_its_last_byte_is_refused()
    {
        using var signIn = await _anonymous.PostAsJsonAsync("/v1/sessions", new { name = "alice", password = People.Password("alice") }, Token);
        Assert.Equal(HttpStatusCode.Created, signIn.StatusCode);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        Assert.Equal(HttpStatusCode.OK, await CookieAsync(cookie));
        Assert.Equal(HttpStatusCode.Unauthorized, await CookieAsync(LastChanged(cookie)));
    }

    [Fact]
    public async Task A03_A_password_or_client_secret_differing_in_its_last_byte_is_refused()
    {
        Assert.Equal(HttpStatusCode.Created, await SignInAsync(People.Password("alice")));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(LastChanged(People.Password("alice"))));

        Assert.Equal(HttpStatusCode.OK, await ClientCredentialsAsync("svc-secret-0123"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ClientCredentialsAsync(LastChanged("svc-secret-0123")));
    }

    [Fact]
    public async Task A03_An_access_token_whose_signature_differs_in_its_last_byte_is_refused()
    {
        using var issued = await _anonymous.PostAsJsonAsync("/v1/tokens", new { clientId = "svc-id", clientSecret = "svc-secret-0123" }, Token);
        var token = (await issued.JsonAsync()).Str("access_token");

        Assert.Equal(HttpStatusCode.OK, await BearerAsync(token, "/v1/documents"));
        Assert.Equal(HttpStatusCode.Unauthorized, await BearerAsync(LastByteFlipped(token), "/v1/documents"));
    }

    [Fact]
    public async Task A03_A_link_whose_mac_differs_in_its_last_byte_is_forbidden()
    {
        await _admin.CreateDocumentAsync(new { id = "doc" });
        var fileId = (await _admin.UploadAsync("doc", "linked bytes"u8.ToArray())).Str("id");
        using var issued = await _admin.PostAsync($"/v1/files/{fileId}/links", null, Token);
        var path = new Uri((await issued.JsonAsync()).Str("url")).AbsolutePath;

        using var good = await _anonymous.GetAsync(path, Token);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        using var forged = await _anonymous.GetAsync(LastByteFlipped(path), Token);
        await forged.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(ConfiguredSpeechExecKey)]
    [InlineData(ImportedServerKey)]
    public async Task A03_A_speechexec_server_key_differing_in_its_last_byte_is_refused(string key)
    {
        Assert.Equal(HttpStatusCode.OK, await SpeechExecAsync(key));
        Assert.Equal(HttpStatusCode.Unauthorized, await SpeechExecAsync(LastChanged(key)));
    }

    [Theory]
    [InlineData("a.AsSpan().SequenceEqual(b)")]
    [InlineData("((ReadOnlySpan<byte>)a).SequenceEqual(b)")]
    [InlineData("a.SequenceEqual(b)")]
    [InlineData("a.SequenceEqual(b, EqualityComparer<byte>.Default)")]
    [InlineData("CryptographicOperations.FixedTimeEquals(a, b)")]
    public async Task A03_A_comparison_that_could_meet_a_secret_does_not_compile_where_secrets_are_handled(string comparison)
    {
        var diagnostic = Assert.Single(await BanDiagnosticsAsync(comparison));
        Assert.Equal("RS0030", diagnostic.Id);
        Assert.Contains("Secrets.Equal", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A03_The_helper_itself_compiles_clean_under_the_ban() => Assert.Empty(await BanDiagnosticsAsync("Secrets.Equal(a, b)"));

    [Theory]
    [InlineData("src/Attache.Core/Attache.Core.csproj")]
    [InlineData("src/Attache.Server/Attache.Server.csproj")]
    public void A03_The_projects_that_handle_secrets_build_under_the_ban(string project) =>
        Assert.Contains("<AdditionalFiles Include=\"..\\..\\BannedSymbols.Secrets.txt\" />", File.ReadAllText(Path.Combine(RepositoryRoot(), project)), StringComparison.Ordinal);

    /// <summary>
    /// Compiles a method comparing two byte arrays with the banned-API analyzer the build uses and the repository's
    /// secrets ban list, and returns what the analyzer reports.
    /// </summary>
    private static async Task<IReadOnlyList<Diagnostic>> BanDiagnosticsAsync(string comparison)
    {
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Security.Cryptography;
            using Attache.Core.Principals;

            public static class Snippet
            {
                public static bool Compare(byte[] a, byte[] b) => {{comparison}};
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"))
            .Append(typeof(Attache.Core.Principals.Secrets).Assembly.Location)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Snippet", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var banList = Path.Combine(RepositoryRoot(), "BannedSymbols.Secrets.txt");
        var options = new AnalyzerOptions([new FileText(banList)]);
        return await compilation.WithAnalyzers([.. BannedApiAnalyzers()], options).GetAnalyzerDiagnosticsAsync(Token);
    }

    private static IEnumerable<DiagnosticAnalyzer> BannedApiAnalyzers()
    {
        var package = typeof(A03_SecretComparisonTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BannedApiAnalyzers").Value!;
        var folder = Path.Combine(package, "analyzers", "dotnet", "cs");
        Assembly.LoadFrom(Path.Combine(folder, "Microsoft.CodeAnalysis.BannedApiAnalyzers.dll"));
        return Assembly.LoadFrom(Path.Combine(folder, "Microsoft.CodeAnalysis.CSharp.BannedApiAnalyzers.dll")).GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!);
    }

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(path));
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Attache.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("Attache.slnx not found above the test binaries.");
    }

    /// <summary>A token (or a path ending in one) whose MAC, the base64url after the last dot, has its last byte flipped.</summary>
    private static string LastByteFlipped(string token)
    {
        var dot = token.LastIndexOf('.');
        var mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        mac[^1] ^= 0x01;
        return token[..(dot + 1)] + Base64Url.EncodeToString(mac);
    }

    private async Task<HttpStatusCode> BearerAsync(string credential, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        using var response = await _anonymous.SendAsync(request, Token);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> CookieAsync(string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/documents");
        request.Headers.Add("Cookie", cookie);
        using var response = await _anonymous.SendAsync(request, Token);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> SignInAsync(string password)
    {
        using var response = await _anonymous.PostAsJsonAsync("/v1/sessions", new { name = "alice", password }, Token);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> ClientCredentialsAsync(string secret)
    {
        using var response = await _anonymous.PostAsync("/v1/tokens", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "svc-id", ["client_secret"] = secret,
        }), Token);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> SpeechExecAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/SEEAppInterface/dms/users");
        request.Headers.TryAddWithoutValidation("x-sps-api-key", key);
        using var response = await _anonymous.SendAsync(request, Token);
        return response.StatusCode;
    }
}
