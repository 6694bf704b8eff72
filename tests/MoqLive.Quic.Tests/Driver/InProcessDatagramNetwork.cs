using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using MoqLive.Quic.Internal;

namespace MoqLive.Quic.Tests.Driver;

/// <summary>
/// An in-process datagram network replacing UDP in driver tests: sockets bound to made-up addresses deliver to each
/// other through channels, in order, with optional seeded loss. No sockets, no ports.
/// </summary>
internal sealed class InProcessDatagramNetwork
{
    private readonly ConcurrentDictionary<EndPoint, Socket> _sockets = new();
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private int _nextPort = 40000;

    public InProcessDatagramNetwork(int seed = 1, double loss = 0)
    {
        _random = new Random(seed);
        Loss = loss;
    }

    /// <summary>Probability that a datagram is dropped.</summary>
    public double Loss { get; set; }

    public long Delivered;

    public IDatagramSocket Bind(IPEndPoint local)
    {
        var address = local.Address.Equals(IPAddress.Any) || local.Address.Equals(IPAddress.IPv6Any) ? IPAddress.Parse("10.0.0.1") : local.Address;
        int port = local.Port != 0 ? local.Port : Interlocked.Increment(ref _nextPort);
        var endPoint = new IPEndPoint(address, port);
        var socket = new Socket(this, endPoint);
        if (!_sockets.TryAdd(endPoint, socket)) throw new InvalidOperationException($"{endPoint} is in use");
        return socket;
    }

    private bool Drop()
    {
        if (Loss <= 0) return false;
        lock (_randomLock) return _random.NextDouble() < Loss;
    }

    private sealed class Socket(InProcessDatagramNetwork network, IPEndPoint local) : IDatagramSocket
    {
        private readonly Channel<(byte[] Data, EndPoint From)> _inbox = Channel.CreateBounded<(byte[], EndPoint)>(
            new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropWrite });

        public EndPoint LocalEndPoint => local;

        public async ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            try
            {
                var (data, from) = await _inbox.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
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
            if (network.Drop()) return true;
            if (!network._sockets.TryGetValue(Normalize(remote), out var target)) return true;
            Interlocked.Increment(ref network.Delivered);
            target._inbox.Writer.TryWrite((datagram.ToArray(), local));
            return true;
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
            _inbox.Writer.TryComplete();
        }

        private static EndPoint Normalize(EndPoint e) =>
            e is IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : e;
    }
}
