using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>The head of one HTTP request the proxy read: method, target (path and query) and headers.</summary>
internal sealed record S3Request(string Method, string Target, IReadOnlyDictionary<string, string> Headers)
{
    public string Query => Target.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? Target[(at + 1)..] : "";

    public bool HasQueryParameter(string name) =>
        Query.Split('&').Any(pair => pair == name || pair.StartsWith(name + "=", StringComparison.Ordinal));

    public override string ToString() => $"{Method} {Target}";
}

/// <summary>An S3 error answer (status, code, message) and the requests it is given to instead of being relayed.</summary>
internal sealed record S3Fault(string Name, Func<S3Request, bool> Matches, int Status, string Code, string Message)
{
    /// <summary>PutObject of a whole object (not a copy): how uploads that fit one part are staged.</summary>
    public static bool PutObject(S3Request request) =>
        request.Method == "PUT" && request.Query.Length == 0 && !request.Headers.ContainsKey("x-amz-copy-source");

    /// <summary>CreateMultipartUpload: <c>POST key?uploads</c>.</summary>
    public static bool InitiateUpload(S3Request request) => request.Method == "POST" && request.HasQueryParameter("uploads");

    /// <summary>UploadPart: <c>PUT key?partNumber=N&amp;uploadId=U</c>.</summary>
    public static bool UploadPart(S3Request request) => request.Method == "PUT" && request.HasQueryParameter("partNumber");

    /// <summary>CompleteMultipartUpload: <c>POST key?uploadId=U</c>.</summary>
    public static bool CompleteUpload(S3Request request) => request.Method == "POST" && request.HasQueryParameter("uploadId");

    /// <summary>GetObject of one object (a key after the bucket), not a listing of the bucket.</summary>
    public static bool GetObject(S3Request request) =>
        request.Method == "GET" && request.Query.Length == 0 && request.Target.TrimStart('/').Contains('/', StringComparison.Ordinal);

    public static S3Fault SlowDown(string name, Func<S3Request, bool> matches) =>
        new(name, matches, 503, "SlowDown", "Please reduce your request rate.");

    public static S3Fault InternalError(string name, Func<S3Request, bool> matches) =>
        new(name, matches, 500, "InternalError", "We encountered an internal error. Please try again.");

    /// <summary>What S3 documents for CompleteMultipartUpload: 200 OK sent early, the failure in an Error body after it.</summary>
    public static S3Fault ErrorIn200(string name, Func<S3Request, bool> matches) =>
        new(name, matches, 200, "InternalError", "We encountered an internal error. Please try again.");

    public override string ToString() => Name;
}

/// <summary>
/// An HTTP/1.1 proxy on a loopback port in front of a real S3 service. It reads each request head, and while a fault
/// is armed answers the requests it matches itself, with S3's own error answer (XML <c>Error</c> body), after reading
/// the request body as the service would; every other request, and every answer of the service, is relayed byte for
/// byte as it streams (so SigV4 signatures, aws-chunked bodies and 100-continue pass untouched). It counts what it saw.
/// </summary>
internal sealed class S3ErrorProxy : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly ConcurrentQueue<S3Request> _seen = new();
    private readonly ConcurrentQueue<S3Request> _answered = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile S3Fault? _armed;

    public S3ErrorProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every request head the proxy read, relayed or answered, in order.</summary>
    public IReadOnlyCollection<S3Request> Seen => _seen;

    /// <summary>The requests the proxy answered with its fault.</summary>
    public IReadOnlyCollection<S3Request> Answered => _answered;

    /// <summary>From now on, requests <paramref name="fault"/> matches are answered with it.</summary>
    public void Arm(S3Fault fault)
    {
        _answered.Clear();
        _armed = fault;
    }

    /// <summary>Relays everything again.</summary>
    public void Disarm() => _armed = null;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(Socket client)
    {
        _open[client] = 0;
        var service = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _open[service] = 0;
        try
        {
            await service.ConnectAsync(_target, _stop.Token);
            // HTTP/1.1 without pipelining: the client sends its next request only after the whole answer, so the
            // service's answers can stream back on their own while requests are read and checked one by one.
            _ = RelayAsync(service, client);
            var reader = new HeadReader(client);
            while (await reader.ReadHeadAsync(_stop.Token) is { } head)
            {
                var request = Parse(head);
                _seen.Enqueue(request);
                if (_armed is { } fault && fault.Matches(request))
                {
                    _answered.Enqueue(request);
                    await AnswerAsync(client, reader, request, fault);
                    break;
                }

                await service.SendAsync(head, SocketFlags.None, _stop.Token);
                await reader.CopyBodyAsync(request, service, _stop.Token);
            }

            // After a fault's answer (Connection: close) or the client's own close: FIN, as S3 closes after an error.
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            Close(client);
            Close(service);
        }
    }

    /// <summary>Reads the body the request announces (as S3 does before it answers), then gives the fault's answer and closes.</summary>
    private async Task AnswerAsync(Socket client, HeadReader reader, S3Request request, S3Fault fault)
    {
        if (request.Headers.TryGetValue("expect", out var expect) && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            await client.SendAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), SocketFlags.None, _stop.Token);
        }

        await reader.CopyBodyAsync(request, null, _stop.Token);
        var requestId = Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var body = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
            $"<Error><Code>{fault.Code}</Code><Message>{fault.Message}</Message><RequestId>{requestId}</RequestId><HostId>fault-proxy</HostId></Error>");
        var reason = ReasonPhrase(fault.Status);
        var date = TimeProvider.System.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        var head = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {fault.Status} {reason}\r\nDate: {date}\r\nx-amz-request-id: {requestId}\r\nContent-Type: application/xml\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await client.SendAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray(), SocketFlags.None, _stop.Token);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        500 => "Internal Server Error",
        503 => "Slow Down",
        _ => "Error",
    };

    private static S3Request Parse(byte[] head)
    {
        var lines = Encoding.ASCII.GetString(head).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return new S3Request(requestLine[0], requestLine.Length > 1 ? requestLine[1] : "", headers);
    }

    private async Task RelayAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private void Close(Socket socket)
    {
        if (_open.TryRemove(socket, out _))
        {
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var socket in _open.Keys)
        {
            Close(socket);
        }

        await _accepting;
        _stop.Dispose();
    }

    /// <summary>Reads request heads and the bodies after them from one client connection, through one buffer.</summary>
    private sealed class HeadReader(Socket client)
    {
        private readonly byte[] _buffer = new byte[MaxHeadBytes];
        private int _start;
        private int _end;

        /// <summary>The next request head, CRLF CRLF included; null when the client closed between requests.</summary>
        public async Task<byte[]?> ReadHeadAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var at = _buffer.AsSpan(_start, _end - _start).IndexOf(HeadEnd);
                if (at >= 0)
                {
                    var head = _buffer.AsSpan(_start, at + HeadEnd.Length).ToArray();
                    _start += head.Length;
                    return head;
                }

                if (!await FillAsync(cancellationToken))
                {
                    return _start == _end ? null : throw new IOException("The client closed in the middle of a request head.");
                }
            }
        }

        /// <summary>Passes the request's body on to <paramref name="to"/> (or drops it when null), framed by Content-Length or chunked.</summary>
        public async Task CopyBodyAsync(S3Request request, Socket? to, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValue("transfer-encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                while (true)
                {
                    var sizeLine = await ReadLineAsync(to, cancellationToken);
                    var size = long.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    if (size == 0)
                    {
                        // Trailer fields, up to the empty line.
                        while ((await ReadLineAsync(to, cancellationToken)).Length > 0)
                        {
                        }

                        return;
                    }

                    await CopyAsync(size + 2, to, cancellationToken);
                }
            }

            if (request.Headers.TryGetValue("content-length", out var length))
            {
                await CopyAsync(long.Parse(length, CultureInfo.InvariantCulture), to, cancellationToken);
            }
        }

        private async Task<string> ReadLineAsync(Socket? to, CancellationToken cancellationToken)
        {
            while (true)
            {
                var at = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
                if (at >= 0)
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, at);
                    await CopyAsync(at + 2, to, cancellationToken);
                    return line;
                }

                if (!await FillAsync(cancellationToken))
                {
                    throw new IOException("The client closed in the middle of a chunked body.");
                }
            }
        }

        private async Task CopyAsync(long count, Socket? to, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    throw new IOException("The client closed in the middle of a request body.");
                }

                var take = (int)Math.Min(count, _end - _start);
                if (to is not null)
                {
                    await to.SendAsync(_buffer.AsMemory(_start, take), SocketFlags.None, cancellationToken);
                }

                _start += take;
                count -= take;
            }
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new IOException($"A request head is longer than {MaxHeadBytes} bytes.");
            }

            var read = await client.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            _end += read;
            return read > 0;
        }
    }
}
