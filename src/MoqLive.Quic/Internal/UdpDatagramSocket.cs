using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static MoqLive.Quic.Internal.LinuxSocket;

namespace MoqLive.Quic.Internal;

/// <summary>A UDP <see cref="IDatagramSocket"/> (IPv4, IPv6, or dual-mode when bound to <see cref="IPAddress.IPv6Any"/>).</summary>
internal sealed class UdpDatagramSocket : IThreadedDatagramSocket
{
    // Large kernel buffers absorb bursts: a congestion window's worth of datagrams can arrive back to back.
    private const int SocketBufferSize = 8 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly EndPoint _anyRemote;
    private readonly SocketAddress _receiveAddress;
    // UDP generic segmentation offload (Linux 4.18+, udp(7) UDP_SEGMENT): with a segment size set on the socket, one
    // send of up to 64 datagrams' worth is split by the kernel, so a burst costs one system call instead of one per
    // datagram. The option is socket-wide and applies to every send, hence _segmentSize and the send lock.
    private const int GsoMaxSegments = 64;
    private const int GsoMaxBytes = 65000;

    private const int EIo = 5;
    private const int EInval = 22;

    // This thread's batch of deferred sends (TryDefer); shared with the work item that flushes it, hence its lock.
    [ThreadStatic]
    private static DatagramSendBatch? t_batch;

    private readonly Lock _sendLock = new();
    // sendmmsg(2) batching of sends from thread-pool threads (64-bit Linux).
    private readonly bool _batching;
    private readonly Action<int, bool> _onBatchRefused;
    private bool _gsoSupported;
    private int _segmentSize;
    private SocketAddress? _receivedFrom;
    private EndPoint? _receivedFromEndPoint;
    private EndPoint? _sendTo;
    private SocketAddress? _sendToAddress;
    // recvmsg with UDP GRO where available (Linux); null: .NET's receive, one datagram per call.
    private LinuxUdpReceiver? _nativeReceiver;

    private UdpDatagramSocket(Socket socket, bool batchSends)
    {
        _socket = socket;
        LocalEndPoint = socket.LocalEndPoint!;
        _anyRemote = socket.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPEndPoint(IPAddress.IPv6Any, 0)
            : new IPEndPoint(IPAddress.Any, 0);
        _receiveAddress = _anyRemote.Serialize();
        // Probing with 0 (segmentation off) tells whether the kernel knows the option without changing any send.
        _gsoSupported = OperatingSystem.IsLinux() && TrySetSegmentSizeLocked(0);
        _nativeReceiver = LinuxUdpReceiver.TryCreate(socket);
        _batching = batchSends && OperatingSystem.IsLinux() && Environment.Is64BitProcess;
        _onBatchRefused = OnBatchRefused;
    }

    public EndPoint LocalEndPoint { get; }

    /// <summary>
    /// Binds a socket to <paramref name="localEndPoint"/> (port 0 picks a free port). With <paramref name="dontFragment"/>
    /// the kernel never fragments a datagram (RFC 9000 §14: DF set), so a path MTU probe that is too large is lost
    /// instead of arriving in fragments.
    /// </summary>
    /// <remarks>
    /// With <paramref name="batchSends"/> (a listener's socket, shared by all its connections) sends from thread-pool
    /// threads are batched across destinations (<see cref="TryDefer"/>); a client's socket serves one connection,
    /// whose sends are already one GSO run each, so batching would only add a work item per send.
    /// </remarks>
    public static UdpDatagramSocket Bind(IPEndPoint localEndPoint, bool dontFragment = false, bool batchSends = false)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        var socket = new Socket(localEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (localEndPoint.AddressFamily == AddressFamily.InterNetworkV6 && localEndPoint.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            TrySetBufferSizes(socket);
            if (dontFragment) SetDontFragment(socket);
            socket.Bind(localEndPoint);
            return new UdpDatagramSocket(socket, batchSends);
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
                if (_nativeReceiver is { } native && MemoryMarshal.TryGetArray<byte>(buffer, out var array))
                {
                    switch (native.TryReceive(array, out int length, out int segmentSize))
                    {
                        case NativeReceiveStatus.Received:
                            return NativeResult(native, length, segmentSize);
                        case NativeReceiveStatus.WouldBlock:
                            // A zero-byte peek completes when the socket is readable without taking the datagram.
                            await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
                            continue;
                        case NativeReceiveStatus.Retry:
                            continue;
                        case NativeReceiveStatus.Unavailable:
                            DropNativeReceiver(native);
                            continue;
                    }
                }

                // The SocketAddress overload does not allocate; the EndPoint is only rebuilt when the sender changes.
                int n = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, _receiveAddress, cancellationToken).ConfigureAwait(false);
                return new DatagramReceiveResult(n, RemoteOfLastReceive());
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused
                or SocketError.MessageSize or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
            {
                // ICMP errors for earlier sends surface here on some platforms; they say nothing about this receive.
                // (A zero-byte peek at a queued datagram reports MessageSize: it is readable, so the loop reads it.)
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                throw new ObjectDisposedException(nameof(UdpDatagramSocket), e);
            }
        }
    }

    /// <summary>The result of a native receive; its sender's address goes where <see cref="RemoteOfLastReceive"/> reads it.</summary>
    private DatagramReceiveResult NativeResult(LinuxUdpReceiver native, int length, int segmentSize)
    {
        var source = native.SourceAddress;
        source[..Math.Min(source.Length, _receiveAddress.Size)].CopyTo(_receiveAddress.Buffer.Span);
        return new DatagramReceiveResult(length, RemoteOfLastReceive(), segmentSize);
    }

    /// <summary>
    /// Falls back to .NET's receive for good. It cannot split coalesced datagrams, so coalescing (GRO) goes off with the
    /// native path.
    /// </summary>
    private void DropNativeReceiver(LinuxUdpReceiver native)
    {
        if (native.GroEnabled) LinuxUdpReceiver.DisableGro(_socket);
        _nativeReceiver = null;
    }

    public bool TryReceive(byte[] buffer, out DatagramReceiveResult result)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        while (true)
        {
            try
            {
                if (_nativeReceiver is { } native)
                {
                    switch (native.TryReceive(buffer, out int length, out int segmentSize))
                    {
                        case NativeReceiveStatus.Received:
                            result = NativeResult(native, length, segmentSize);
                            return true;
                        case NativeReceiveStatus.WouldBlock:
                            result = default;
                            return false;
                        case NativeReceiveStatus.Retry:
                            continue;
                        case NativeReceiveStatus.Unavailable:
                            DropNativeReceiver(native);
                            continue;
                    }
                }

                // Without the native path: a synchronous receive, only once the kernel has a datagram queued.
                if (_socket.Available == 0)
                {
                    result = default;
                    return false;
                }

                int n = _socket.ReceiveFrom(buffer, SocketFlags.None, _receiveAddress);
                result = new DatagramReceiveResult(n, RemoteOfLastReceive());
                return true;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused
                or SocketError.MessageSize or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
            {
                // As in ReceiveAsync: ICMP errors for earlier sends say nothing about this receive.
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.NotSocket or SocketError.Shutdown)
            {
                throw new ObjectDisposedException(nameof(UdpDatagramSocket), e);
            }
        }
    }

    public void WaitReadable(TimeSpan timeout)
    {
        try
        {
            // poll(2) on the socket itself: the kernel wakes this thread directly when a datagram arrives.
            _socket.Poll(timeout, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // An error condition on the socket also ends the wait, and so does a disposal: the next TryReceive reports
            // or skips them.
        }
    }

    /// <summary>The sender in <see cref="_receiveAddress"/> as an EndPoint, rebuilt only when the sender changes.</summary>
    private EndPoint RemoteOfLastReceive()
    {
        if (_receivedFromEndPoint is null || !_receiveAddress.Equals(_receivedFrom))
        {
            _receivedFrom = new SocketAddress(_receiveAddress.Family, _receiveAddress.Size);
            _receiveAddress.Buffer.Span[.._receiveAddress.Size].CopyTo(_receivedFrom.Buffer.Span);
            _receivedFromEndPoint = _anyRemote.Create(_receivedFrom);
        }

        return _receivedFromEndPoint;
    }

    public int MaxSegments => _gsoSupported ? GsoMaxSegments : 1;

    public bool Send(ReadOnlySpan<byte> datagram, EndPoint remote) => Send(datagram, datagram.Length, remote);

    public bool Send(ReadOnlySpan<byte> datagrams, int segmentSize, EndPoint remote)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segmentSize);
        if (_batching && remote is IPEndPoint ip && Thread.CurrentThread.IsThreadPoolThread && TryDefer(datagrams, segmentSize, ip)) return true;
        try
        {
            // One sender at a time: the socket-wide segment size must not change between setting it and sending.
            lock (_sendLock)
            {
                // Serializing the EndPoint on every send allocates; a connection sends to one address.
                if (!ReferenceEquals(remote, _sendTo))
                {
                    _sendToAddress = remote.Serialize();
                    _sendTo = remote;
                }

                if (datagrams.Length > segmentSize && _gsoSupported && TrySendSegmentedLocked(datagrams, segmentSize, _sendToAddress!)) return true;
                for (int offset = 0; offset < datagrams.Length; offset += segmentSize)
                {
                    SendOneLocked(datagrams.Slice(offset, Math.Min(segmentSize, datagrams.Length - offset)), _sendToAddress!);
                }
            }

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

    /// <summary>
    /// Adds the datagrams to this thread's <see cref="DatagramSendBatch"/> instead of sending them now. The batch is
    /// sent with <c>sendmmsg</c> when it is full, or by a work item queued to this thread's local queue, which the
    /// thread pool runs when the current work item returns: a relay's fan-out, which writes one object to every
    /// subscriber's connection from one work item, then sends to all of them in a few system calls, and the first
    /// subscriber's datagram waits for at most <see cref="DatagramSendBatch.MaxMessages"/> − 1 others. Sends from other
    /// threads (the receive thread) go at once. False when the datagrams cannot be batched (too large without GSO).
    /// </summary>
    private bool TryDefer(ReadOnlySpan<byte> datagrams, int segmentSize, IPEndPoint remote)
    {
        bool ipv6 = _socket.AddressFamily == AddressFamily.InterNetworkV6;
        var batch = t_batch ??= new DatagramSendBatch();
        lock (batch)
        {
            if (!ReferenceEquals(batch.Owner, this))
            {
                // A batch holds one socket's datagrams.
                if (batch.Owner is UdpDatagramSocket previous) previous.SendBatchLocked(batch);
                batch.Owner = this;
            }

            bool segmented = datagrams.Length > segmentSize;
            if (segmented && !_gsoSupported)
            {
                // Without GSO each datagram is its own message.
                for (int offset = 0; offset < datagrams.Length; offset += segmentSize)
                    AddLocked(batch, datagrams.Slice(offset, Math.Min(segmentSize, datagrams.Length - offset)), segmentSize, remote, ipv6);
            }
            else
            {
                AddLocked(batch, datagrams, segmentSize, remote, ipv6);
            }

            if (batch.Count > 0 && !batch.FlushQueued)
            {
                batch.FlushQueued = true;
                ThreadPool.UnsafeQueueUserWorkItem(static b => FlushQueuedBatch(b), batch, preferLocal: true);
            }
        }

        return true;
    }

    private void AddLocked(DatagramSendBatch batch, ReadOnlySpan<byte> datagrams, int segmentSize, IPEndPoint remote, bool ipv6)
    {
        if (batch.TryAdd(datagrams, segmentSize, remote, ipv6)) return;
        SendBatchLocked(batch);
        if (!batch.TryAdd(datagrams, segmentSize, remote, ipv6)) throw new InvalidOperationException("A send larger than a whole batch.");
    }

    private static void FlushQueuedBatch(DatagramSendBatch batch)
    {
        lock (batch)
        {
            batch.FlushQueued = false;
            (batch.Owner as UdpDatagramSocket)?.SendBatchLocked(batch);
        }
    }

    /// <summary>Sends the batch (the caller holds its lock).</summary>
    private void SendBatchLocked(DatagramSendBatch batch)
    {
        if (batch.Count == 0) return;
        lock (_sendLock)
        {
            try
            {
                // Messages without a UDP_SEGMENT control message take the socket-wide segment size: none.
                if (_segmentSize != 0) TrySetSegmentSizeLocked(0);
                batch.Send(_socket.SafeHandle, _onBatchRefused);
            }
            catch (ObjectDisposedException)
            {
                batch.Clear();
            }
        }
    }

    // A GSO run the kernel refused (EIO: the device cannot checksum segments; EINVAL: the route's MTU is below the
    // segment size): later runs are sent as single datagrams. Other refusals (full buffers) only lose the message.
    private void OnBatchRefused(int errno, bool segmented)
    {
        if (segmented && errno is EIo or EInval) DisableGsoLocked();
    }

    /// <summary>One send that the kernel splits into datagrams of <paramref name="segmentSize"/> bytes; false when GSO turned out unusable.</summary>
    private bool TrySendSegmentedLocked(ReadOnlySpan<byte> datagrams, int segmentSize, SocketAddress address)
    {
        if (_segmentSize != segmentSize && !TrySetSegmentSizeLocked(segmentSize)) return false;
        // The kernel takes at most 64 segments and 64 KiB per send.
        int chunk = Math.Min(GsoMaxSegments, GsoMaxBytes / segmentSize) * segmentSize;
        int offset = 0;
        try
        {
            for (; offset < datagrams.Length; offset += chunk)
            {
                _socket.SendTo(datagrams.Slice(offset, Math.Min(chunk, datagrams.Length - offset)), SocketFlags.None, address);
            }

            return true;
        }
        catch (SocketException e) when (offset == 0 && IsGsoRefusal(e))
        {
            // The device cannot checksum segments (EIO) or the route's MTU is below the segment size (EINVAL).
            DisableGsoLocked();
            return false;
        }
    }

    private void SendOneLocked(ReadOnlySpan<byte> datagram, SocketAddress address)
    {
        // With a segment size set, a longer datagram would be split: turn segmentation off for it.
        if (_segmentSize != 0 && datagram.Length > _segmentSize) TrySetSegmentSizeLocked(0);
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, address);
        }
        catch (SocketException e) when (_segmentSize != 0 && IsGsoRefusal(e))
        {
            // A set segment size applies to every send, and this path refuses it: send without it from now on.
            DisableGsoLocked();
            _socket.SendTo(datagram, SocketFlags.None, address);
        }
    }

    private static bool IsGsoRefusal(SocketException e) =>
        e.SocketErrorCode is SocketError.InvalidArgument or SocketError.MessageSize or SocketError.SocketError;

    private bool TrySetSegmentSizeLocked(int segmentSize)
    {
        try
        {
            Span<byte> value = stackalloc byte[sizeof(int)];
            MemoryMarshal.Write(value, in segmentSize);
            _socket.SetRawSocketOption(SolUdp, UdpSegment, value);
            _segmentSize = segmentSize;
            return true;
        }
        catch (SocketException)
        {
            _gsoSupported = false;
            return false;
        }
    }

    private void DisableGsoLocked()
    {
        TrySetSegmentSizeLocked(0);
        _gsoSupported = false;
    }

    public void Dispose()
    {
        try
        {
            // Wakes a thread blocked in WaitReadable now rather than at its timeout: Linux wakes pollers of an
            // unconnected UDP socket on shutdown(2) even though the call itself fails with ENOTCONN.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // ENOTCONN (see above) or already closed.
        }

        _socket.Dispose();
    }

    private static void SetDontFragment(Socket socket)
    {
        socket.DontFragment = true;
        if (!socket.DualMode || !OperatingSystem.IsLinux()) return;
        // A dual-mode socket sends to IPv4-mapped peers under the IPv4 setting, which the IPv6 one leaves alone:
        // IP_MTU_DISCOVER = IP_PMTUDISC_DO (ip(7)) sets DF on those datagrams too.
        Span<byte> value = stackalloc byte[sizeof(int)];
        int doNotFragment = 2;
        MemoryMarshal.Write(value, in doNotFragment);
        try
        {
            socket.SetRawSocketOption(0, 10, value);
        }
        catch (SocketException)
        {
            // Path MTU discovery still works without it: the route cap keeps probes within the first hop's MTU.
        }
    }

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
