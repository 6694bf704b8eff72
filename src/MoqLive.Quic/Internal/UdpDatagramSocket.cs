using System.Net;
using System.Net.Sockets;

namespace MoqLive.Quic.Internal;

/// <summary>A UDP <see cref="IDatagramSocket"/> (IPv4, IPv6, or dual-mode when bound to <see cref="IPAddress.IPv6Any"/>).</summary>
internal sealed class UdpDatagramSocket : IDatagramSocket
{
    // Large kernel buffers absorb bursts: a congestion window's worth of datagrams can arrive back to back.
    private const int SocketBufferSize = 8 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly EndPoint _anyRemote;

    private UdpDatagramSocket(Socket socket)
    {
        _socket = socket;
        LocalEndPoint = socket.LocalEndPoint!;
        _anyRemote = socket.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPEndPoint(IPAddress.IPv6Any, 0)
            : new IPEndPoint(IPAddress.Any, 0);
    }

    public EndPoint LocalEndPoint { get; }

    /// <summary>Binds a socket to <paramref name="localEndPoint"/> (port 0 picks a free port).</summary>
    public static UdpDatagramSocket Bind(IPEndPoint localEndPoint)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        var socket = new Socket(localEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (localEndPoint.AddressFamily == AddressFamily.InterNetworkV6 && localEndPoint.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            TrySetBufferSizes(socket);
            socket.Bind(localEndPoint);
            return new UdpDatagramSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                SocketReceiveFromResult r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, _anyRemote, cancellationToken)
                    .ConfigureAwait(false);
                return new DatagramReceiveResult(r.ReceivedBytes, r.RemoteEndPoint);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused
                or SocketError.MessageSize or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
            {
                // ICMP errors for earlier sends surface here on some platforms; they say nothing about this receive.
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                throw new ObjectDisposedException(nameof(UdpDatagramSocket), e);
            }
        }
    }

    public bool Send(ReadOnlySpan<byte> datagram, EndPoint remote)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
            return true;
        }
        catch (SocketException)
        {
            // Full buffers (ENOBUFS), unreachable peers: UDP is unreliable and loss recovery resends.
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private static void TrySetBufferSizes(Socket socket)
    {
        try
        {
            socket.ReceiveBufferSize = SocketBufferSize;
            socket.SendBufferSize = SocketBufferSize;
        }
        catch (SocketException)
        {
            // The kernel caps these (net.core.rmem_max); smaller buffers only cost throughput.
        }
    }
}
