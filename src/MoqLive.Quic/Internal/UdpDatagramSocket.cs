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
    private readonly SocketAddress _receiveAddress;
    private readonly Lock _sendLock = new();
    private SocketAddress? _receivedFrom;
    private EndPoint? _receivedFromEndPoint;
    private EndPoint? _sendTo;
    private SocketAddress? _sendToAddress;

    private UdpDatagramSocket(Socket socket)
    {
        _socket = socket;
        LocalEndPoint = socket.LocalEndPoint!;
        _anyRemote = socket.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPEndPoint(IPAddress.IPv6Any, 0)
            : new IPEndPoint(IPAddress.Any, 0);
        _receiveAddress = _anyRemote.Serialize();
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
                // The SocketAddress overload does not allocate; the EndPoint is only rebuilt when the sender changes.
                int n = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, _receiveAddress, cancellationToken).ConfigureAwait(false);
                if (_receivedFromEndPoint is null || !_receiveAddress.Equals(_receivedFrom))
                {
                    _receivedFrom = new SocketAddress(_receiveAddress.Family, _receiveAddress.Size);
                    _receiveAddress.Buffer.Span[.._receiveAddress.Size].CopyTo(_receivedFrom.Buffer.Span);
                    _receivedFromEndPoint = _anyRemote.Create(_receivedFrom);
                }

                return new DatagramReceiveResult(n, _receivedFromEndPoint);
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
            SocketAddress address;
            lock (_sendLock)
            {
                // Serializing the EndPoint on every send allocates; a connection sends to one address.
                if (!ReferenceEquals(remote, _sendTo))
                {
                    _sendToAddress = remote.Serialize();
                    _sendTo = remote;
                }

                address = _sendToAddress!;
            }

            _socket.SendTo(datagram, SocketFlags.None, address);
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
