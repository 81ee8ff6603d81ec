using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Attache.Core.Audit;
using Attache.Core.Downloads;
using Attache.Core.Ports;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Attache.Server.Http;

/// <summary>
/// The one download path for every API and dialect: RFC 9110 preconditions, HEAD, single and multipart byte ranges
/// (which the framework's file results do not do), and a Content-Disposition that survives any file name.
/// </summary>
internal sealed class DownloadResult(DownloadPlan plan, DownloadOptions? options = null) : IResult
{
    public DownloadPlan Plan { get; } = plan;

    public DownloadOptions Options { get; } = options ?? DownloadOptions.Default;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var sent = new Sent();
        var finished = false;
        try
        {
            await SendAsync(httpContext, sent);
            finished = true;
        }
        finally
        {
            Audit(httpContext, sent, finished ? sent.Result : AuditResults.Failed);
        }
    }

    /// <summary>What one response actually carried, for the audit trail.</summary>
    private sealed class Sent
    {
        public BlobBody? Body { get; set; }

        public string? Range { get; set; }

        public string Result { get; set; } = AuditResults.Ok;

        public bool Redirected { get; set; }

        /// <summary>Bytes a front proxy was told to send (X-Accel-Redirect), when it sends them instead.</summary>
        public long? HandedOver { get; set; }
    }

    // Recorded once the body is written or abandoned, so that the trail says what the client really received.
    private void Audit(HttpContext httpContext, Sent sent, string result)
    {
        if (Plan.Audit is not { } audit || httpContext.RequestServices.GetService<AuditTrail>() is not { } trail)
        {
            return;
        }

        var head = HttpMethods.IsHead(httpContext.Request.Method);
        trail.Record(trail.Event(AuditActions.Download, null, audit.Origin, result) with
        {
            Principal = audit.Principal,
            DocumentId = audit.DocumentId,
            FileId = Plan.FileId,
            Version = Plan.Version,
            Status = httpContext.Response.StatusCode,
            Bytes = sent.HandedOver ?? sent.Body?.BytesSent ?? 0,
            Range = sent.Range,
            Detail = head || sent.Redirected || sent.HandedOver is not null
                ? string.Join("; ", new[]
                {
                    head ? "HEAD" : null,
                    sent.Redirected ? RedirectDetail : null,
                    sent.HandedOver is not null ? AccelDetail : null,
                    audit.Detail,
                }.OfType<string>())
                : audit.Detail,
        });
    }

    private async Task SendAsync(HttpContext httpContext, Sent sent)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        var services = httpContext.RequestServices;
        var logger = services.GetRequiredService<ILogger<DownloadResult>>();
        var cancellationToken = httpContext.RequestAborted;

        var etag = new EntityTagHeaderValue($"\"{Plan.Sha256}\"");
        var lastModified = TruncateToSeconds(Plan.LastModified);
        var isGet = HttpMethods.IsGet(request.Method);
        var isHead = HttpMethods.IsHead(request.Method);

        var precondition = EvaluatePreconditions(request.Headers, etag, lastModified, isGet || isHead);
        if (precondition != StatusCodes.Status200OK)
        {
            response.StatusCode = precondition;
            WriteValidators(response, etag, lastModified);
            if (precondition == StatusCodes.Status412PreconditionFailed)
            {
                response.ContentLength = 0;
            }

            Options.ExtraHeaders?.Invoke(response);
            return;
        }

        var verdict = RangeVerdict.Ignore;
        ByteRange[] ranges = [];
        if (isGet && !StringValues.IsNullOrEmpty(request.Headers.Range) && IfRangeAllows(request.Headers.IfRange, etag, lastModified))
        {
            verdict = ByteRanges.Parse(request.Headers.Range.ToString(), Plan.Length, out ranges);
        }

        if (verdict == RangeVerdict.Unsatisfiable)
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            WriteValidators(response, etag, lastModified);
            response.Headers.ContentRange = $"bytes */{Plan.Length.ToString(CultureInfo.InvariantCulture)}";
            response.ContentLength = 0;
            Options.ExtraHeaders?.Invoke(response);
            return;
        }

        var (firstOffset, firstLength) = isHead ? (0L, 0L)
            : verdict == RangeVerdict.Satisfiable ? (ranges[0].First, ranges[0].Length)
            : (0L, Plan.Length);

        var store = services.GetRequiredService<IBlobStore>();
        var contentType = Options.ContentType ?? Plan.MediaType;
        if (isGet && store is IBlobRedirects redirects && RedirectIsEquivalent(request.Headers, verdict, ranges, contentType)
            && await redirects.TryCreateDownloadUrlAsync(Plan.BlobKey, new BlobResponseHeaders(
                contentType, ContentDispositionHeader.Build(Options.DispositionType, Plan.FileName, Options.FileNameStyle), Options.CacheControl),
                cancellationToken) is { } url)
        {
            response.StatusCode = StatusCodes.Status302Found;
            response.Headers.Location = url.AbsoluteUri;
            // The URL expires; neither it nor this answer may be reused from a cache.
            response.Headers.CacheControl = "no-store";
            response.ContentLength = 0;
            sent.Redirected = true;
            sent.Range = verdict == RangeVerdict.Satisfiable ? RangeList(ranges) : null;
            return;
        }

        if (isGet && services.GetService<AccelRedirect>() is { } accel && AccelIsEquivalent(request.Headers, verdict)
            && Plan.BlobKey == Plan.Sha256 && accel.Target(Plan.Sha256) is { } target
            && store.TryGetLocalPath(Plan.BlobKey) is { } localPath && new FileInfo(localPath).Length == Plan.Length)
        {
            WriteValidators(response, etag, lastModified);
            // nginx adds its own Accept-Ranges for the file; a copy from here would be a second one.
            response.Headers.Remove(HeaderNames.AcceptRanges);
            WriteSafetyHeaders(response, contentType);
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentType;
            response.ContentLength = 0;
            response.Headers[AccelRedirect.Header] = target;
            sent.HandedOver = verdict == RangeVerdict.Satisfiable ? ranges.Sum(r => r.Length) : Plan.Length;
            sent.Range = verdict == RangeVerdict.Satisfiable ? RangeList(ranges) : null;
            return;
        }

        var sender = services.GetRequiredService<IBlobSender>();
        await using var body = await sender.OpenAsync(store, Plan, firstOffset, firstLength, cancellationToken);
        if (body is null)
        {
            logger.LogError("Blob {BlobKey} of file {FileId} version {Version} is missing or not of its recorded length; answering 500.", Plan.BlobKey, Plan.FileId, Plan.Version);
            response.StatusCode = StatusCodes.Status500InternalServerError;
            sent.Result = AuditResults.Failed;
            return;
        }

        sent.Body = body;
        if (verdict == RangeVerdict.Satisfiable && !isHead)
        {
            sent.Range = RangeList(ranges);
        }

        WriteValidators(response, etag, lastModified);
        WriteSafetyHeaders(response, contentType);

        try
        {
            bool completed;
            if (verdict == RangeVerdict.Ignore)
            {
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = contentType;
                response.ContentLength = Plan.Length;
                if (isHead || Plan.Length == 0)
                {
                    return;
                }

                await StartAsync(response, cancellationToken);
                completed = await body.SendAsync(response, 0, Plan.Length, cancellationToken);
            }
            else if (ranges.Length == 1)
            {
                var range = ranges[0];
                response.StatusCode = StatusCodes.Status206PartialContent;
                response.ContentType = contentType;
                response.Headers.ContentRange = ContentRange(range);
                response.ContentLength = range.Length;
                await StartAsync(response, cancellationToken);
                completed = await body.SendAsync(response, range.First, range.Length, cancellationToken);
            }
            else
            {
                completed = await SendMultipartAsync(response, body, contentType, ranges, cancellationToken);
            }

            if (!completed)
            {
                sent.Result = AuditResults.Aborted;
                LogClientLeft(logger);
            }
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or IOException or ConnectionResetException)
        {
            sent.Result = AuditResults.Aborted;
            LogClientLeft(logger);
        }
        catch (IOException e) when (response.HasStarted)
        {
            sent.Result = AuditResults.Failed;
            // The status line is gone: the only honest signal left is a broken connection.
            logger.LogError(e, "Blob {BlobKey} of file {FileId} version {Version} failed mid-download; aborting the connection.", Plan.BlobKey, Plan.FileId, Plan.Version);
            httpContext.Abort();
        }
    }

    private const string RedirectDetail = "redirected to the blob store";

    private const string AccelDetail = "sent by the front proxy (X-Accel-Redirect)";

    private void WriteSafetyHeaders(HttpResponse response, string contentType)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        if (IsActiveContent(contentType))
        {
            response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        }

        response.Headers.ContentDisposition = ContentDispositionHeader.Build(Options.DispositionType, Plan.FileName, Options.FileNameStyle);
        Options.ExtraHeaders?.Invoke(response);
    }

    /// <summary>
    /// Whether nginx, sending the file itself, answers what this result would. Not with If-Match, If-Unmodified-Since or
    /// If-Range (nginx re-evaluates them against its own validators and would refuse or ignore what passed here), nor
    /// with a Range header this engine ignores (nginx would answer 416 where this answers 200).
    /// </summary>
    private static bool AccelIsEquivalent(IHeaderDictionary headers, RangeVerdict verdict) =>
        StringValues.IsNullOrEmpty(headers.IfMatch)
        && StringValues.IsNullOrEmpty(headers.IfUnmodifiedSince)
        && StringValues.IsNullOrEmpty(headers.IfRange)
        && (StringValues.IsNullOrEmpty(headers.Range) || verdict == RangeVerdict.Satisfiable);

    /// <summary>
    /// Whether the blob store, answering a presigned URL, would send what this result would: a plain GET of the whole
    /// blob or of one range. Not with preconditions (the store has validators of its own), several ranges (the store
    /// answers those with the whole blob), dialect headers or active content (the store's answer cannot carry them).
    /// </summary>
    private bool RedirectIsEquivalent(IHeaderDictionary headers, RangeVerdict verdict, ByteRange[] ranges, string contentType) =>
        Options.ExtraHeaders is null
        && !IsActiveContent(contentType)
        && StringValues.IsNullOrEmpty(headers.IfMatch)
        && StringValues.IsNullOrEmpty(headers.IfNoneMatch)
        && StringValues.IsNullOrEmpty(headers.IfModifiedSince)
        && StringValues.IsNullOrEmpty(headers.IfUnmodifiedSince)
        && StringValues.IsNullOrEmpty(headers.IfRange)
        && (StringValues.IsNullOrEmpty(headers.Range)
            || (verdict == RangeVerdict.Satisfiable && ranges.Length == 1 && headers.Range.Count == 1 && !headers.Range.ToString().Contains(',', StringComparison.Ordinal)));

    private static string RangeList(ByteRange[] ranges) =>
        string.Join(",", ranges.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.First}-{r.Last}")));

    private void LogClientLeft(ILogger logger) =>
        logger.LogDebug("Client went away during the download of file {FileId} version {Version}.", Plan.FileId, Plan.Version);

    private async Task<bool> SendMultipartAsync(HttpResponse response, BlobBody body, string contentType, ByteRange[] ranges, CancellationToken cancellationToken)
    {
        var boundary = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var heads = new string[ranges.Length];
        long total = 0;
        for (var i = 0; i < ranges.Length; i++)
        {
            heads[i] = $"\r\n--{boundary}\r\nContent-Type: {contentType}\r\nContent-Range: {ContentRange(ranges[i])}\r\n\r\n";
            total += Encoding.ASCII.GetByteCount(heads[i]) + ranges[i].Length;
        }

        var tail = $"\r\n--{boundary}--\r\n";
        total += tail.Length;

        response.StatusCode = StatusCodes.Status206PartialContent;
        response.ContentType = $"multipart/byteranges; boundary={boundary}";
        response.ContentLength = total;
        await StartAsync(response, cancellationToken);
        for (var i = 0; i < ranges.Length; i++)
        {
            Encoding.ASCII.GetBytes(heads[i], response.BodyWriter);
            if (!await body.SendAsync(response, ranges[i].First, ranges[i].Length, cancellationToken))
            {
                return false;
            }
        }

        Encoding.ASCII.GetBytes(tail, response.BodyWriter);
        var flushed = await response.BodyWriter.FlushAsync(cancellationToken);
        return !flushed.IsCanceled;
    }

    private static async Task StartAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        BlobSender.StartStreaming(response);
        await response.StartAsync(cancellationToken);
    }

    private void WriteValidators(HttpResponse response, EntityTagHeaderValue etag, DateTimeOffset lastModified)
    {
        response.Headers.AcceptRanges = "bytes";
        response.Headers.ETag = etag.ToString();
        response.Headers.LastModified = HeaderUtilities.FormatDate(lastModified);
        response.Headers.CacheControl = Options.CacheControl;
    }

    private string ContentRange(ByteRange range) =>
        string.Create(CultureInfo.InvariantCulture, $"bytes {range.First}-{range.Last}/{Plan.Length}");

    // RFC 9110 §13.2.2: If-Match, else If-Unmodified-Since; then If-None-Match, else If-Modified-Since.
    private static int EvaluatePreconditions(IHeaderDictionary headers, EntityTagHeaderValue etag, DateTimeOffset lastModified, bool isGetOrHead)
    {
        if (!StringValues.IsNullOrEmpty(headers.IfMatch))
        {
            if (!AnyMatches(headers.IfMatch, etag, strong: true))
            {
                return StatusCodes.Status412PreconditionFailed;
            }
        }
        else if (TryParseDate(headers.IfUnmodifiedSince, out var unmodifiedSince) && lastModified > unmodifiedSince)
        {
            return StatusCodes.Status412PreconditionFailed;
        }

        if (!StringValues.IsNullOrEmpty(headers.IfNoneMatch))
        {
            if (AnyMatches(headers.IfNoneMatch, etag, strong: false))
            {
                return isGetOrHead ? StatusCodes.Status304NotModified : StatusCodes.Status412PreconditionFailed;
            }
        }
        else if (isGetOrHead && TryParseDate(headers.IfModifiedSince, out var modifiedSince) && lastModified <= modifiedSince)
        {
            return StatusCodes.Status304NotModified;
        }

        return StatusCodes.Status200OK;
    }

    // An unparseable list matches nothing: If-Match then fails safe, If-None-Match is ignored.
    private static bool AnyMatches(StringValues header, EntityTagHeaderValue etag, bool strong)
    {
        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return false;
        }

        foreach (var tag in tags)
        {
            if (tag.Tag == "*" || tag.Compare(etag, useStrongComparison: strong))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IfRangeAllows(StringValues header, EntityTagHeaderValue etag, DateTimeOffset lastModified)
    {
        if (StringValues.IsNullOrEmpty(header))
        {
            return true;
        }

        var value = header.ToString().Trim();
        if (value.StartsWith('"') || value.StartsWith("W/", StringComparison.Ordinal))
        {
            return EntityTagHeaderValue.TryParse(value, out var tag) && tag.Compare(etag, useStrongComparison: true);
        }

        return HeaderUtilities.TryParseDate(value, out var date) && date == lastModified;
    }

    private static bool TryParseDate(StringValues header, out DateTimeOffset date)
    {
        date = default;
        return !StringValues.IsNullOrEmpty(header) && HeaderUtilities.TryParseDate(header.ToString(), out date);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset);

    // Types a browser would run as a document if someone opened the response directly.
    internal static bool IsActiveContent(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
        return mediaType is "text/html" or "application/xhtml+xml" or "image/svg+xml" or "text/xml" or "application/xml"
            || mediaType.EndsWith("+xml", StringComparison.Ordinal);
    }
}
