using System.Net;
using System.Net.Sockets;
using MoqLive.Quic.Internal;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Quic;

/// <summary>
/// The UDP socket under every QUIC endpoint on real loopback sockets: a GSO batch comes back as the same datagrams,
/// whether the receiver gets them as one GRO run (Linux, recvmsg) or one by one (fallback), over IPv4 and IPv6.
/// </summary>
public sealed class UdpDatagramSocketTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    public async Task SegmentedSend_ArrivesAsTheSameDatagrams(string address, bool batchSends)
    {
        var loopback = IPAddress.Parse(address);
        if (loopback.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6) return;
        using var sender = UdpDatagramSocket.Bind(new IPEndPoint(loopback, 0), batchSends: batchSends);
        using var receiver = UdpDatagramSocket.Bind(new IPEndPoint(loopback, 0));

        // 20 datagrams of 1,200 bytes and a shorter last one, each filled with its index.
        const int segment = 1200, count = 21, lastLength = 500;
        byte[] batch = new byte[segment * (count - 1) + lastLength];
        for (int i = 0; i < count; i++) batch.AsSpan(i * segment, Math.Min(segment, batch.Length - i * segment)).Fill((byte)(i + 1));
        int sent = 0;
        while (sent < batch.Length)
        {
            int length = Math.Min(batch.Length - sent, segment * sender.MaxSegments);
            Assert.True(sender.Send(batch.AsSpan(sent, length), segment, receiver.LocalEndPoint));
            sent += length;
        }

        var received = new List<byte[]>();
        bool coalesced = false;
        byte[] buffer = new byte[65536];
        while (received.Count < count)
        {
            var r = await receiver.ReceiveAsync(buffer, CancellationToken.None).AsTask().WithTimeout();
            Assert.Equal(((IPEndPoint)sender.LocalEndPoint).Port, ((IPEndPoint)r.Remote).Port);
            int size = r.SegmentSize > 0 ? r.SegmentSize : r.Length;
            coalesced |= r.Length > size;
            for (int offset = 0; offset < r.Length; offset += size)
                received.Add(buffer.AsSpan(offset, Math.Min(size, r.Length - offset)).ToArray());
        }

        Assert.Equal(count, received.Count);
        // On loopback a GSO send reaches a GRO socket as one run: Linux must have delivered at least one.
        if (OperatingSystem.IsLinux() && sender.MaxSegments > 1) Assert.True(coalesced, "no receive returned a GRO run");
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i == count - 1 ? lastLength : segment, received[i].Length);
            Assert.All(received[i], b => Assert.Equal((byte)(i + 1), b));
        }
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task BatchSends_OneWorkItemToManyPeers_EachPeerGetsItsDatagramsInOrder(string address)
    {
        var loopback = IPAddress.Parse(address);
        if (loopback.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6) return;
        using var sender = UdpDatagramSocket.Bind(new IPEndPoint(loopback, 0), batchSends: true);
        var receivers = Enumerable.Range(0, 5).Select(_ => UdpDatagramSocket.Bind(new IPEndPoint(loopback, 0))).ToArray();
        try
        {
            // As a relay's fan-out does: one thread-pool work item sends to every peer in turn, 100 rounds (more than
            // a batch holds), alternating single datagrams and two-datagram GSO runs.
            const int rounds = 100, segment = 1000;
            await Task.Run(() =>
            {
                Assert.True(Thread.CurrentThread.IsThreadPoolThread);
                for (int round = 0; round < rounds; round++)
                {
                    for (int peer = 0; peer < receivers.Length; peer++)
                    {
                        byte[] datagrams = new byte[round % 2 == 0 ? 300 : segment + 200];
                        datagrams.AsSpan().Fill((byte)round);
                        Assert.True(sender.Send(datagrams, segment, receivers[peer].LocalEndPoint));
                    }
                }
            }).WithTimeout();

            byte[] buffer = new byte[65536];
            foreach (var receiver in receivers)
            {
                var received = new List<byte[]>();
                while (received.Count < rounds / 2 * 3)
                {
                    var r = await receiver.ReceiveAsync(buffer, CancellationToken.None).AsTask().WithTimeout();
                    Assert.Equal(((IPEndPoint)sender.LocalEndPoint).Port, ((IPEndPoint)r.Remote).Port);
                    int size = r.SegmentSize > 0 ? r.SegmentSize : r.Length;
                    for (int offset = 0; offset < r.Length; offset += size)
                        received.Add(buffer.AsSpan(offset, Math.Min(size, r.Length - offset)).ToArray());
                }

                // Round r's datagrams, in order: one of 300 bytes for even rounds, 1,000 + 200 for odd ones.
                int index = 0;
                for (int round = 0; round < rounds; round++)
                {
                    int[] lengths = round % 2 == 0 ? [300] : [segment, 200];
                    foreach (int length in lengths)
                    {
                        Assert.Equal(length, received[index].Length);
                        Assert.All(received[index], b => Assert.Equal((byte)round, b));
                        index++;
                    }
                }
            }
        }
        finally
        {
            foreach (var receiver in receivers) receiver.Dispose();
        }
    }

    [Fact]
    public async Task ThreadedReceive_WaitsForTheDatagramThenReadsIt()
    {
        using var sender = UdpDatagramSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var receiver = UdpDatagramSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        byte[] buffer = new byte[65536];
        Assert.False(receiver.TryReceive(buffer, out _));

        // The wait is bounded only by the test's timeout: it must return because the datagram arrived.
        var wait = Task.Factory.StartNew(() => receiver.WaitReadable(Timeout.InfiniteTimeSpan), TaskCreationOptions.LongRunning);
        Assert.True(sender.Send([1, 2, 3], receiver.LocalEndPoint));
        await wait.WithTimeout();

        Assert.True(receiver.TryReceive(buffer, out var r));
        Assert.Equal(3, r.Length);
        Assert.Equal([1, 2, 3], buffer[..3]);
        Assert.Equal(((IPEndPoint)sender.LocalEndPoint).Port, ((IPEndPoint)r.Remote).Port);
        Assert.False(receiver.TryReceive(buffer, out _));
    }

    [Fact]
    public async Task ThreadedReceive_DisposeWakesTheWaitingThread()
    {
        var receiver = UdpDatagramSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = Task.Factory.StartNew(() =>
        {
            waiting.SetResult();
            receiver.WaitReadable(Timeout.InfiniteTimeSpan);
        }, TaskCreationOptions.LongRunning);
        await waiting.Task.WithTimeout();

        // Nothing arrives: only the disposal can end an infinite wait (a racing dispose before the poll starts ends
        // it too, as poll(2) then fails at once).
        receiver.Dispose();
        await wait.WithTimeout();
        Assert.Throws<ObjectDisposedException>(() => receiver.TryReceive(new byte[16], out _));
    }
}
