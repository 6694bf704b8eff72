using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using MoqLive.Quic.Internal;

namespace MoqLive.Testing.Quic;

/// <summary>
/// An in-process datagram network replacing UDP under our QUIC stack (<see cref="QuicTestHost"/>): sockets bound to
/// made-up addresses deliver to each other through channels, with seeded loss and reordering. No sockets, no ports.
/// </summary>
/// <remarks>
/// Loss and reordering decisions come from one seeded RNG, drawn once per datagram in send order. Reordering holds a
/// datagram back and delivers it right after the next datagram to the same socket, so it overtakes nothing forever
/// and needs no timer (a held datagram also goes out when the network is told to <see cref="Flush"/>).
/// </remarks>
public sealed class InProcessDatagramNetwork
{
    private readonly ConcurrentDictionary<EndPoint, Socket> _sockets = new();
    private readonly Random _random;
    private readonly Lock _lock = new();
    private int _nextPort = 40000;
    private long _delivered;
    private long _dropped;
    private long _reordered;

    public InProcessDatagramNetwork(int seed = 1, double loss = 0, double reordering = 0)
    {
        _random = new Random(seed);
        Loss = loss;
        Reordering = reordering;
    }

    /// <summary>Probability that a datagram is dropped.</summary>
    public double Loss { get; set; }

    /// <summary>Probability that a datagram is held back and delivered after the next one to the same socket.</summary>
    public double Reordering { get; set; }

    /// <summary>
    /// Sockets bound from now on can be driven by a dedicated thread (<see cref="IThreadedDatagramSocket"/>), as UDP
    /// sockets can, so endpoints that want one get their receive thread. Default false: async receives only.
    /// </summary>
    public bool ThreadedSockets { get; set; }

    /// <summary>Datagrams delivered so far.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Datagrams dropped by the simulated loss so far.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Datagrams delivered out of order so far.</summary>
    public long Reordered => Interlocked.Read(ref _reordered);

    internal IDatagramSocket Bind(IPEndPoint local)
    {
        var address = local.Address.Equals(IPAddress.Any) || local.Address.Equals(IPAddress.IPv6Any) ? IPAddress.Parse("10.0.0.1") : local.Address;
        int port = local.Port != 0 ? local.Port : Interlocked.Increment(ref _nextPort);
        var endPoint = new IPEndPoint(address, port);
        var socket = ThreadedSockets ? new ThreadedSocket(this, endPoint) : new Socket(this, endPoint);
        if (!_sockets.TryAdd(endPoint, socket)) throw new InvalidOperationException($"{endPoint} is in use");
        return socket;
    }

    /// <summary>Delivers every held-back datagram now.</summary>
    public void Flush()
    {
        foreach (Socket socket in _sockets.Values)
            socket.ReleaseHeld();
    }

    private sealed class ThreadedSocket(InProcessDatagramNetwork network, IPEndPoint local) : Socket(network, local), IThreadedDatagramSocket
    {
        public bool TryReceive(byte[] buffer, out DatagramReceiveResult result)
        {
            if (Inbox.Reader.TryRead(out var datagram))
            {
                int n = Math.Min(datagram.Data.Length, buffer.Length);
                datagram.Data.AsSpan(0, n).CopyTo(buffer);
                result = new DatagramReceiveResult(n, datagram.From);
                return true;
            }

            if (Inbox.Reader.Completion.IsCompleted) throw new ObjectDisposedException("socket");
            result = default;
            return false;
        }

        public void WaitReadable(TimeSpan timeout) => Inbox.Reader.WaitToReadAsync().AsTask().Wait(timeout);
    }

    private class Socket(InProcessDatagramNetwork network, IPEndPoint local) : IDatagramSocket
    {
        protected Channel<(byte[] Data, EndPoint From)> Inbox { get; } = Channel.CreateBounded<(byte[], EndPoint)>(
            new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropWrite });
        private (byte[] Data, EndPoint From)? _held;

        public EndPoint LocalEndPoint => local;

        public async ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            try
            {
                var (data, from) = await Inbox.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                int n = Math.Min(data.Length, buffer.Length);
                data.AsSpan(0, n).CopyTo(buffer.Span);
                return new DatagramReceiveResult(n, from);
            }
            catch (ChannelClosedException e)
            {
                throw new ObjectDisposedException("socket", e);
            }
        }

        public bool Send(ReadOnlySpan<byte> datagram, EndPoint remote)
        {
            if (!network._sockets.TryGetValue(Normalize(remote), out var target)) return true;
            target.Receive(datagram.ToArray(), local);
            return true;
        }

        // Loss and reordering are decided under the network's lock, so the RNG is drawn in one order.
        private void Receive(byte[] data, EndPoint from)
        {
            (byte[] Data, EndPoint From)? release = null;
            lock (network._lock)
            {
                if (network.Loss > 0 && network._random.NextDouble() < network.Loss)
                {
                    network._dropped++;
                    return;
                }

                if (_held is null && network.Reordering > 0 && network._random.NextDouble() < network.Reordering)
                {
                    _held = (data, from);
                    return;
                }

                release = _held;
                _held = null;
                Deliver(data, from);
                if (release is { } held)
                {
                    network._reordered++;
                    Deliver(held.Data, held.From);
                }
            }
        }

        public void ReleaseHeld()
        {
            lock (network._lock)
            {
                if (_held is { } held)
                {
                    _held = null;
                    Deliver(held.Data, held.From);
                }
            }
        }

        private void Deliver(byte[] data, EndPoint from)
        {
            network._delivered++;
            Inbox.Writer.TryWrite((data, from));
        }

        // Batches are split here as the kernel's UDP segmentation offload would, so drivers' batching is exercised.
        public int MaxSegments => 8;

        public bool Send(ReadOnlySpan<byte> datagrams, int segmentSize, EndPoint remote)
        {
            for (int offset = 0; offset < datagrams.Length; offset += segmentSize)
            {
                Send(datagrams.Slice(offset, Math.Min(segmentSize, datagrams.Length - offset)), remote);
            }
            return true;
        }

        public void Dispose()
        {
            network._sockets.TryRemove(local, out _);
            Inbox.Writer.TryComplete();
        }

        private static EndPoint Normalize(EndPoint e) =>
            e is IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : e;
    }
}
