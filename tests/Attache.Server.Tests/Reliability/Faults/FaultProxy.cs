using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Attache.Server.Tests.Reliability.Faults;

/// <summary>What the proxy does with connections.</summary>
internal enum ProxyMode
{
    /// <summary>Relays both ways.</summary>
    Pass,

    /// <summary>Resets every new connection at once (as a service that is down, seen through a balancer).</summary>
    Refuse,

    /// <summary>Accepts and relays nothing: the peer waits until its own timeout.</summary>
    Stall,
}

/// <summary>
/// A TCP proxy on a loopback port in front of a real service (PostgreSQL, S3), whose faults the test switches:
/// relay, refuse, stall, and reset every open connection. It touches only the connections that go through it.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public FaultProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ProxyMode Mode { get; set; } = ProxyMode.Pass;

    /// <summary>How many connections the proxy has accepted.</summary>
    public int Accepted => _accepted;

    private int _accepted;

    /// <summary>Resets (RST) every connection open through the proxy, on both sides.</summary>
    public void ResetAll()
    {
        foreach (var socket in _open.Keys)
        {
            Reset(socket);
        }
    }

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

            Interlocked.Increment(ref _accepted);
            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(Socket client)
    {
        _open[client] = 0;
        switch (Mode)
        {
            case ProxyMode.Refuse:
                Reset(client);
                return;
            case ProxyMode.Stall:
                return;
        }

        var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            Reset(client);
            server.Dispose();
            return;
        }

        _open[server] = 0;
        await Task.WhenAny(RelayAsync(client, server), RelayAsync(server, client));
        Reset(client);
        Reset(server);
    }

    private async Task RelayAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                if (Mode == ProxyMode.Stall)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private void Reset(Socket socket)
    {
        if (!_open.TryRemove(socket, out _))
        {
            return;
        }

        try
        {
            // Linger 0: close sends RST, as a crashed or unplugged peer would.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        ResetAll();
        await _accepting;
        _stop.Dispose();
    }
}
