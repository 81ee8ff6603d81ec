using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Attache.Server.Tests.Reliability.Load;

/// <summary>A bare TCP connection to a loopback server, for requests sent byte by byte at a pace of the test's choosing.</summary>
internal sealed class RawConnection : IDisposable
{
    private readonly Socket _socket;

    private RawConnection(Socket socket) => _socket = socket;

    /// <param name="port">The server's port on 127.0.0.1.</param>
    /// <param name="receiveBuffer">A small window makes the server's writes stall as soon as the test stops reading.</param>
    public static async Task<RawConnection> OpenAsync(int port, int? receiveBuffer = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBuffer is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        await socket.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        return new RawConnection(socket);
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Sends, and reports false when the server has closed the connection already.</summary>
    public async Task<bool> SendAsync(byte[] bytes)
    {
        try
        {
            await _socket.SendAsync(bytes, TestContext.Current.CancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Everything the server sends until it closes the connection (or resets it), within <paramref name="limit"/>.</summary>
    public async Task<(byte[] Received, bool Closed)> ReadToEndAsync(TimeSpan limit)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(limit);
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await _socket.ReceiveAsync(buffer, timeout.Token)) > 0)
            {
                await received.WriteAsync(buffer.AsMemory(0, read), timeout.Token);
            }

            return (received.ToArray(), true);
        }
        catch (SocketException)
        {
            return (received.ToArray(), true);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return (received.ToArray(), false);
        }
    }

    /// <summary>The first bytes the server sends (empty when it closes), within <paramref name="limit"/>.</summary>
    public async Task<string> ReadSomeAsync(TimeSpan limit)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(limit);
        var buffer = new byte[4096];
        return Encoding.ASCII.GetString(buffer, 0, await _socket.ReceiveAsync(buffer, timeout.Token));
    }

    /// <summary>The next bytes the server sends: empty when it closed or reset the connection, or sent nothing within <paramref name="limit"/>.</summary>
    public async Task<byte[]> ReadSomeBytesAsync(TimeSpan limit)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(limit);
        var buffer = new byte[64 * 1024];
        try
        {
            return buffer[..await _socket.ReceiveAsync(buffer, timeout.Token)];
        }
        catch (Exception exception) when (exception is SocketException
                                          || (exception is OperationCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested))
        {
            return [];
        }
    }

    /// <summary>Sends <paramref name="pieces"/> one every <paramref name="pace"/> until the server closes; the time that took.</summary>
    public async Task<TimeSpan?> TrickleUntilClosedAsync(IEnumerable<byte[]> pieces, TimeSpan pace)
    {
        var clock = Stopwatch.StartNew();
        foreach (var piece in pieces)
        {
            if (!await SendAsync(piece) || _socket.Poll(0, SelectMode.SelectRead))
            {
                // Readable while the test sent no complete request: the server answered (408) or closed.
                return clock.Elapsed;
            }

            await Task.Delay(pace, TestContext.Current.CancellationToken);
        }

        return null;
    }

    public static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);

    public void Dispose() => _socket.Dispose();
}
