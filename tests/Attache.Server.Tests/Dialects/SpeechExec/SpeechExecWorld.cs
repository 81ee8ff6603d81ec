using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Attache.Server.Tests.Api;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Attache.Server.Tests.Dialects.SpeechExec;

/// <summary>
/// The real server with a world of Enterprise authors and their dictations imported through the manifest, a server key,
/// and the server's log lines kept for the tests to search.
/// </summary>
public sealed class SpeechExecWorld : IAsyncLifetime
{
    public const string ServerKey = "server-key-0123456789";
    public const string ConfiguredKey = "configured-key-9876543210";
    public const string Base = "/SEEAppInterface";

    // The seed's dictation and attached document, byte for byte.
    public const string SeedDictation = "1ea29334-6008-41e4-8db5-0c88c14f6ac0";
    public const string SeedRtf =
        "{\\rtf1\\ansi\\ansicpg1250\\deff0\\nouicompat\\deflang1038{\\fonttbl{\\f0\\fnil\\fcharset238 Calibri;}{\\f1\\fnil\\fcharset0 Calibri;}}\n"
        + "{\\*\\generator Riched20 10.0.19041}\\viewkind4\\uc1 \n"
        + "\\pard\\sa200\\sl276\\slmult1\\f0\\fs22 This is a test document.\\f1\\lang14\\par\n"
        + "}\n";

    public const string NoAttachment = "5a0ab9a4-0000-4000-8000-000000000001";
    public const string Pending = "5a0ab9a4-0000-4000-8000-000000000002";
    public const string InFinishedFolder = "5a0ab9a4-0000-4000-8000-000000000003";
    public const string InInbox = "5a0ab9a4-0000-4000-8000-000000000004";
    public const string JohnsDictation = "5a0ab9a4-0000-4000-8000-000000000005";
    public const string NotADictation = "5a0ab9a4-0000-4000-8000-000000000006";
    public const string Deleted = "5a0ab9a4-0000-4000-8000-000000000007";
    public const string OutsidersDictation = "5a0ab9a4-0000-4000-8000-000000000009";
    public const string UpperCaseId = "5A0AB9A4-0000-4000-8000-00000000000A";

    private readonly AttacheApp _app;
    private readonly WebApplicationFactory<Program> _host;

    public SpeechExecWorld()
    {
        _app = new AttacheApp(new Dictionary<string, string?> { ["Attache:Dialects:SpeechExec:ApiKeys:0"] = ConfiguredKey });
        _host = _app.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(Log))));
    }

    public LogLines Log { get; } = new();

    public AttacheApp App => _app;

    public HttpClient CreateClient(string? key = ServerKey)
    {
        var client = _host.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("x-sps-api-key", key);
        }

        return client;
    }

    public HttpClient CreateAdminClient()
    {
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AttacheApp.AdminKey);
        return client;
    }

    public async ValueTask InitializeAsync()
    {
        using var admin = CreateAdminClient();
        using var response = await admin.PostAsJsonAsync("/v1/import", Manifest, NativeApi.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(NativeApi.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _app.DisposeAsync();
    }

    private static object Dictation(string id, string owner, string state, string folder, string? attachment, object? properties = null, bool deleted = false) => new
    {
        id,
        kind = "dictation",
        owner,
        state,
        folder,
        deleted,
        properties = properties ?? new { },
        files = attachment is null
            ? Array.Empty<object>()
            : [new { slot = "attachment", fileName = attachment, mediaType = "application/rtf", content = new { text = id == SeedDictation ? SeedRtf : $"attachment of {id}" } }],
    };

    private static object Manifest => new
    {
        principals = new object[]
        {
            new { name = "sarah", groups = new[] { "enterprise" } },
            new { name = "john", groups = new[] { "enterprise" } },
            new { name = "zoë", groups = new[] { "enterprise" } },
            new { name = "outsider", groups = new[] { "legal" } },
            new { name = "gone", groups = new[] { "enterprise" }, enabled = false },
        },
        serverApiKeys = new[] { ServerKey },
        documents = new[]
        {
            Dictation(SeedDictation, "sarah", "TranscriptionFinished", "archive", "test044.wav.rtf", new { subfolderHierarchy = "ARCH_20150806" }),
            Dictation(NoAttachment, "sarah", "TranscriptionFinished", "archive", null),
            Dictation(Pending, "sarah", "TranscriptionPending", "finished", "pending.wav.rtf"),
            Dictation(InFinishedFolder, "sarah", "TranscriptionFinished", "finished", "Bericht für Müller.dss.rtf"),
            Dictation(InInbox, "sarah", "TranscriptionFinished", "inbox", "inbox.wav.rtf"),
            Dictation(JohnsDictation, "john", "TranscriptionFinished", "archive", "john.wav.rtf"),
            new { id = NotADictation, kind = "generic", owner = "sarah", state = "TranscriptionFinished", folder = "archive", deleted = false, properties = new { }, files = Array.Empty<object>() },
            Dictation(Deleted, "sarah", "TranscriptionFinished", "archive", "deleted.wav.rtf", deleted: true),
            Dictation(OutsidersDictation, "outsider", "TranscriptionFinished", "archive", "outsider.wav.rtf"),
            Dictation(UpperCaseId, "sarah", "TranscriptionFinished", "archive", "upper.wav.rtf"),
        },
    };

    /// <summary>A request to the dialect with the server key, and its answer.</summary>
    public async Task<HttpResponseMessage> GetAsync(string path, string? key = ServerKey, Action<HttpRequestMessage>? configure = null, HttpMethod? method = null)
    {
        using var client = CreateClient(key);
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, Base + path);
        configure?.Invoke(request);
        return await client.SendAsync(request, NativeApi.Token);
    }
}

/// <summary>Every log line the server wrote, formatted.</summary>
public sealed class LogLines : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogLines lines, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name)}");
    }
}

internal static class SpeechExecResponses
{
    /// <summary>Asserts the product's error envelope with an upper-case GUID CRI, the same as the header; returns the CRI.</summary>
    public static async Task<string> AssertErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string failureCode)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(NativeApi.Token);
        Assert.Equal(["CRI", "FailureCode"], body.EnumerateObject().Select(p => p.Name));
        var cri = body.GetProperty("CRI").GetString()!;
        Assert.True(Guid.TryParseExact(cri, "D", out _));
        Assert.Equal(cri.ToUpperInvariant(), cri);
        Assert.Equal(failureCode, body.GetProperty("FailureCode").GetString());
        Assert.Equal(cri, response.Headers.GetValues("x-sps-cri").Single());
        return cri;
    }
}
