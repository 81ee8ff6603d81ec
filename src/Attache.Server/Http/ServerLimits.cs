using Attache.Server.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Attache.Server.Http;

/// <summary>
/// Every limit the HTTP server puts on a connection or a request, in one place and chosen on purpose rather than left at
/// Kestrel's defaults (configuration <c>Attache:Limits:*</c>; docs/security.md says why each value). Uploads are held to
/// <c>Attache:Uploads:MaxBytes</c> by the upload endpoints themselves; <see cref="MaxRequestBodyBytes"/> bounds every
/// other body.
/// </summary>
public sealed class ServerLimits
{
    public const string Section = "Attache:Limits";

    /// <summary>All request headers together: room for a JWT, a session cookie and a proxy's forwarding headers.</summary>
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    /// <summary>Headers in one request: a browser sends about twenty, a proxy adds a few.</summary>
    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>The request line: ids are at most 128 characters, so 8 KiB holds any real path and query.</summary>
    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>Bodies other than uploads and imports (JSON documents, forms).</summary>
    public long MaxRequestBodyBytes { get; set; } = RequestLimits.DefaultMaxBodyBytes;

    /// <summary>How long a client has to send all its request headers: a slow-header client is cut after this.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>An idle kept-alive connection is closed after this: longer than nginx's 60 s upstream keep-alive, so the proxy closes first.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(75);

    /// <summary>The slowest request body accepted once <see cref="DataRateGracePeriod"/> has passed, in bytes per second.</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 512;

    /// <summary>The slowest reader of a response accepted once <see cref="DataRateGracePeriod"/> has passed, in bytes per second.</summary>
    public double MinResponseBytesPerSecond { get; set; } = 512;

    /// <summary>How long a body or a response may go below its minimum rate before the connection is cut.</summary>
    public TimeSpan DataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one write of a download (at most 64 KiB) may wait for its client to take bytes before the connection is
    /// cut: Kestrel's rate check averages over the response, so it would let a stalled reader hold on for minutes.
    /// </summary>
    public TimeSpan ResponseStallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Open connections at once; beyond this a new connection is closed at once, so one flood cannot take every descriptor.</summary>
    public long MaxConcurrentConnections { get; set; } = 4096;

    /// <summary>Upgraded connections (WebSockets): no endpoint upgrades, so few are needed.</summary>
    public long MaxConcurrentUpgradedConnections { get; set; } = 64;

    /// <summary>Concurrent HTTP/2 streams per connection (HTTP/2 runs on TLS endpoints only).</summary>
    public int Http2MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>One HTTP/2 header field after decompression, no larger than all headers together may be.</summary>
    public int Http2MaxHeaderFieldBytes { get; set; } = 16 * 1024;

    /// <summary>Fields of a url-encoded or small multipart form read whole (the token endpoint's form has four).</summary>
    public int MaxFormValueCount { get; set; } = 64;

    /// <summary>A whole form read whole; uploads stream their parts instead and never come here.</summary>
    public int MaxFormBytes { get; set; } = 64 * 1024;

    /// <summary>The limits from <c>Attache:Limits</c>, checked; a value out of range names its key.</summary>
    public static ServerLimits From(IConfiguration configuration)
    {
        var limits = configuration.GetSection(Section).Get<ServerLimits>() ?? new ServerLimits();
        Positive(limits.MaxRequestHeadersTotalBytes, nameof(MaxRequestHeadersTotalBytes));
        Positive(limits.MaxRequestHeaderCount, nameof(MaxRequestHeaderCount));
        Positive(limits.MaxRequestLineBytes, nameof(MaxRequestLineBytes));
        Positive(limits.MaxRequestBodyBytes, nameof(MaxRequestBodyBytes));
        Positive(limits.RequestHeadersTimeout.Ticks, nameof(RequestHeadersTimeout));
        Positive(limits.KeepAliveTimeout.Ticks, nameof(KeepAliveTimeout));
        Positive(limits.MinRequestBodyBytesPerSecond, nameof(MinRequestBodyBytesPerSecond));
        Positive(limits.MinResponseBytesPerSecond, nameof(MinResponseBytesPerSecond));
        Positive(limits.MaxConcurrentConnections, nameof(MaxConcurrentConnections));
        Positive(limits.MaxConcurrentUpgradedConnections, nameof(MaxConcurrentUpgradedConnections));
        Positive(limits.Http2MaxStreamsPerConnection, nameof(Http2MaxStreamsPerConnection));
        Positive(limits.MaxFormValueCount, nameof(MaxFormValueCount));
        Positive(limits.MaxFormBytes, nameof(MaxFormBytes));
        if (limits.DataRateGracePeriod <= TimeSpan.FromSeconds(1))
        {
            // Kestrel checks rates once a second, so a shorter grace could not be honoured.
            throw new InvalidOperationException($"{Section}:{nameof(DataRateGracePeriod)} must be longer than one second.");
        }

        if (limits.ResponseStallTimeout <= TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException($"{Section}:{nameof(ResponseStallTimeout)} must be longer than one second.");
        }

        if (limits.Http2MaxHeaderFieldBytes <= 0 || limits.Http2MaxHeaderFieldBytes > limits.MaxRequestHeadersTotalBytes)
        {
            throw new InvalidOperationException($"{Section}:{nameof(Http2MaxHeaderFieldBytes)} must be positive and at most {nameof(MaxRequestHeadersTotalBytes)}.");
        }

        return limits;
    }

    /// <summary>Sets each of Kestrel's limits from these values.</summary>
    public void ApplyTo(KestrelServerLimits kestrel)
    {
        kestrel.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalBytes;
        kestrel.MaxRequestHeaderCount = MaxRequestHeaderCount;
        kestrel.MaxRequestLineSize = MaxRequestLineBytes;
        kestrel.MaxRequestBodySize = MaxRequestBodyBytes;
        kestrel.RequestHeadersTimeout = RequestHeadersTimeout;
        kestrel.KeepAliveTimeout = KeepAliveTimeout;
        kestrel.MinRequestBodyDataRate = new MinDataRate(MinRequestBodyBytesPerSecond, DataRateGracePeriod);
        kestrel.MinResponseDataRate = new MinDataRate(MinResponseBytesPerSecond, DataRateGracePeriod);
        kestrel.MaxConcurrentConnections = MaxConcurrentConnections;
        kestrel.MaxConcurrentUpgradedConnections = MaxConcurrentUpgradedConnections;
        kestrel.Http2.MaxStreamsPerConnection = Http2MaxStreamsPerConnection;
        kestrel.Http2.MaxRequestHeaderFieldSize = Http2MaxHeaderFieldBytes;
    }

    /// <summary>Limits of forms read whole (<c>ReadFormAsync</c>); a form over them is the client's mistake, answered 400.</summary>
    public void ApplyTo(FormOptions form)
    {
        form.ValueCountLimit = MaxFormValueCount;
        form.MultipartBodyLengthLimit = MaxFormBytes;
        form.ValueLengthLimit = MaxFormBytes;
        form.KeyLengthLimit = Math.Min(MaxFormBytes, 2048);
        form.BufferBody = false;
    }

    private static void Positive(double value, string key)
    {
        if (!(value > 0))
        {
            throw new InvalidOperationException($"{Section}:{key} must be positive.");
        }
    }
}

/// <summary>Wires <see cref="ServerLimits"/> into Kestrel and form reading.</summary>
public static class ServerLimitsSetup
{
    public static WebApplicationBuilder UseAttacheLimits(this WebApplicationBuilder builder)
    {
        var limits = ServerLimits.From(builder.Configuration);
        builder.Services.AddSingleton(limits);
        builder.Services.Configure<FormOptions>(limits.ApplyTo);
        builder.WebHost.ConfigureKestrel(kestrel => limits.ApplyTo(kestrel.Limits));
        return builder;
    }
}
