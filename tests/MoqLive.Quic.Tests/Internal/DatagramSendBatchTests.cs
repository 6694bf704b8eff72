using System.Buffers.Binary;
using System.Net;
using MoqLive.Quic.Internal;

namespace MoqLive.Quic.Tests.Internal;

/// <summary>The layout of a <c>sendmmsg</c> batch (no socket): messages in order, GSO runs marked, bounded size.</summary>
public class DatagramSendBatchTests
{
    private static readonly IPEndPoint V4 = new(IPAddress.Parse("10.1.2.3"), 4433);
    private static readonly IPEndPoint V6 = new(IPAddress.Parse("2001:db8::7"), 443);

    [Fact]
    public void TryAdd_KeepsMessagesInOrder_MarksOnlyMultiDatagramRunsAsSegmented()
    {
        var batch = new DatagramSendBatch();
        Assert.True(batch.TryAdd(Filled(300, 1), 1200, V4, ipv6Socket: false));
        Assert.True(batch.TryAdd(Filled(2500, 2), 1200, V6, ipv6Socket: true));
        Assert.True(batch.TryAdd(Filled(1200, 3), 1200, V4, ipv6Socket: false));

        Assert.Equal(3, batch.Count);
        Assert.Equal(Filled(300, 1), batch.GetPayload(0).ToArray());
        Assert.Equal(Filled(2500, 2), batch.GetPayload(1).ToArray());
        Assert.Equal(Filled(1200, 3), batch.GetPayload(2).ToArray());
        // Only a run of several datagrams carries UDP_SEGMENT; a single datagram (even exactly one segment) does not.
        Assert.Equal(new[] { 0, 1200, 0 }, Enumerable.Range(0, 3).Select(batch.GetSegmentSize));
        Assert.Equal(16, batch.GetName(0).Length);
        Assert.Equal(28, batch.GetName(1).Length);

        batch.Clear();
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void TryAdd_FullBatch_ReturnsFalse()
    {
        var batch = new DatagramSendBatch();
        for (int i = 0; i < DatagramSendBatch.MaxMessages; i++) Assert.True(batch.TryAdd(Filled(10, (byte)i), 10, V4, false));
        Assert.False(batch.TryAdd(Filled(10, 0), 10, V4, false));

        var bytes = new DatagramSendBatch();
        Assert.True(bytes.TryAdd(new byte[DatagramSendBatch.BufferSize - 100], 60_000, V4, false));
        Assert.False(bytes.TryAdd(new byte[101], 101, V4, false));
        Assert.True(bytes.TryAdd(new byte[100], 100, V4, false));
    }

    [Fact]
    public void WriteSocketAddress_LinuxSockaddrLayouts()
    {
        var name = new byte[32];
        Assert.Equal(16, DatagramSendBatch.WriteSocketAddress(name, V4, ipv6Socket: false));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(name)); // AF_INET
        Assert.Equal(4433, BinaryPrimitives.ReadUInt16BigEndian(name.AsSpan(2)));
        Assert.Equal(new byte[] { 10, 1, 2, 3 }, name[4..8]);

        // A dual-mode IPv6 socket reaches an IPv4 peer at its IPv4-mapped address.
        Assert.Equal(28, DatagramSendBatch.WriteSocketAddress(name, V4, ipv6Socket: true));
        Assert.Equal(10, BinaryPrimitives.ReadUInt16LittleEndian(name)); // AF_INET6
        Assert.Equal(4433, BinaryPrimitives.ReadUInt16BigEndian(name.AsSpan(2)));
        Assert.Equal(IPAddress.Parse("::ffff:10.1.2.3").GetAddressBytes(), name[8..24]);

        Assert.Equal(28, DatagramSendBatch.WriteSocketAddress(name, V6, ipv6Socket: true));
        Assert.Equal(V6.Address.GetAddressBytes(), name[8..24]);
        Assert.Equal(443, BinaryPrimitives.ReadUInt16BigEndian(name.AsSpan(2)));
    }

    [Fact]
    public void WriteSocketAddress_MatchesDotNetSerialization()
    {
        // SocketAddress.Buffer is the native sockaddr on Linux: the batch must write the same bytes.
        if (!OperatingSystem.IsLinux()) return;
        foreach (var endPoint in new[] { V4, V6 })
        {
            var expected = endPoint.Serialize();
            var name = new byte[32];
            int length = DatagramSendBatch.WriteSocketAddress(name, endPoint, endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
            Assert.Equal(expected.Buffer.Span[..length].ToArray(), name[..length]);
        }
    }

    private static byte[] Filled(int length, byte value)
    {
        var bytes = new byte[length];
        bytes.AsSpan().Fill(value);
        return bytes;
    }
}
