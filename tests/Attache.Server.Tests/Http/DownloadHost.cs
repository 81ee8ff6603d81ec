using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Attache.Core.Downloads;
using Attache.Core.Ports;
using Attache.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Attache.Server.Tests.Http;

/// <summary>A minimal app whose only endpoint answers GET and HEAD on /blob/{name} with a <see cref="DownloadResult"/>.</summary>
internal sealed class DownloadHost : IAsyncDisposable
{
    public static readonly DateTimeOffset LastModified = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
    public const string LastModifiedHttp = "Fri, 02 Jan 2026 03:04:05 GMT";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (DownloadPlan Plan, DownloadOptions? Options)> _plans = new();

    private DownloadHost(WebApplication app, TestBlobStore store, LogSink logs)
    {
        _app = app;
        Store = store;
        Logs = logs;
        Client = null!;
    }

    public TestBlobStore Store { get; }

    public LogSink Logs { get; }

    public HttpClient Client { get; private set; }

    /// <summary>Set for a Kestrel host: where it listens.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Starts the host; with a real <c>blobs</c> store it serves from that instead of its own folder (plans are then registered by hand).</summary>
    public static async Task<DownloadHost> StartAsync(bool kestrel, bool localPaths, CancellationToken cancellationToken, IBlobStore? blobs = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        var logs = new LogSink();
        builder.Logging.ClearProviders().AddProvider(logs).AddFilter<LogSink>(null, LogLevel.Debug);
        var store = new TestBlobStore(localPaths);
        builder.Services.AddSingleton(blobs ?? store);
        builder.Services.AddAttacheHttp(builder.Configuration);

        var app = builder.Build();
        var host = new DownloadHost(app, store, logs);
        app.MapMethods("/blob/{name}", [HttpMethods.Get, HttpMethods.Head], host.Serve);
        await app.StartAsync(cancellationToken);

        if (kestrel)
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
            host.Address = new Uri(addresses.Addresses.Single());
            host.Client = new HttpClient { BaseAddress = host.Address };
        }
        else
        {
            host.Client = app.GetTestClient();
        }

        return host;
    }

    private IResult Serve(string name) =>
        _plans.TryGetValue(name, out var entry) ? new DownloadResult(entry.Plan, entry.Options) : Results.NotFound();

    public DownloadPlan Add(string name, string content, string mediaType = "text/plain", string? fileName = null, DownloadOptions? options = null) =>
        Add(name, Encoding.UTF8.GetBytes(content), mediaType, fileName, options);

    public DownloadPlan Add(string name, byte[] content, string mediaType = "application/octet-stream", string? fileName = null, DownloadOptions? options = null)
    {
        var key = Store.Add(content);
        return Register(name, new DownloadPlan(name, 1, key, content.Length, key, "", LastModified, mediaType, fileName ?? name), options);
    }

    public DownloadPlan Register(string name, DownloadPlan plan, DownloadOptions? options = null)
    {
        _plans[name] = (plan, options);
        return plan;
    }

    /// <summary>
    /// Sends the request with its headers exactly as written (HttpClient re-formats a Range it can parse) and reads
    /// the raw response; on Kestrel over a socket, so the body is every byte the server sent before closing.
    /// </summary>
    public async Task<RawResponse> RawAsync(string method, string path, params (string Name, string Value)[] headers)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        if (Address is null)
        {
            var context = await _app.GetTestServer().SendAsync(c =>
            {
                c.Request.Method = method;
                c.Request.Path = path;
                foreach (var (name, value) in headers)
                {
                    c.Request.Headers.Append(name, value);
                }
            }, cancellationToken);
            using var body = new MemoryStream();
            await context.Response.Body.CopyToAsync(body, cancellationToken);
            return new RawResponse(context.Response.StatusCode,
                context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray());
        }

        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(Address.Host, Address.Port, cancellationToken);
        var stream = tcp.GetStream();
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {Address.Authority}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), cancellationToken);
        using var all = new MemoryStream();
        await stream.CopyToAsync(all, cancellationToken);
        var bytes = all.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end > 0, "no end of headers");
        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon], line[(colon + 1)..].Trim());
            fields[name] = fields.TryGetValue(name, out var previous) ? $"{previous}, {value}" : value;
        }

        return new RawResponse(status, fields, bytes[(end + 4)..]);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Store.Dispose();
    }
}

internal sealed record RawResponse(int Status, Dictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string Text => Encoding.UTF8.GetString(Body);
}

internal sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception);

/// <summary>Keeps every log line so a test can assert that nothing went wrong on the server's side.</summary>
internal sealed class LogSink : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception), exception));
    }
}
