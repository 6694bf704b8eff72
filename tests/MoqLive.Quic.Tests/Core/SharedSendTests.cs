using MoqLive.Quic.Core;
using MoqLive.Quic.Streams;
using MoqLive.Testing;
using MoqLive.Transport;

namespace MoqLive.Quic.Tests.Core;

/// <summary>
/// Stream data written by reference (<see cref="Connection.WriteStreamShared"/>): the bytes arrive exactly, and the
/// connection's reference is released when they are acknowledged, when the stream is reset and when the connection
/// closes, whichever comes first, and only once.
/// </summary>
public class SharedSendTests
{
    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.1, 2)]
    public void WriteStreamShared_Delivered_ByteExactAndReleasedOnAck(double loss, int seed)
    {
        var pair = new QuicPair(seed, new LinkOptions { Loss = loss, Latency = TimeSpan.FromMilliseconds(10) });
        pair.Handshake();
        var random = new Random(seed);
        var payloads = Enumerable.Range(0, 30).Select(_ =>
        {
            byte[] b = new byte[4166];
            random.NextBytes(b);
            return new CountingSharedBuffer(b);
        }).ToList();
        StreamId id = pair.Client.OpenStream(StreamDirection.Unidirectional)!.Value;
        var expected = new List<byte>();
        foreach (var payload in payloads)
        {
            Assert.Equal(2, pair.Client.WriteStream(id, [0x12, 0x34]));
            Assert.Equal(4166, pair.Client.WriteStreamShared(id, payload, 0, 4166));
            expected.AddRange([0x12, 0x34]);
            expected.AddRange(payload.Memory.ToArray());
        }
        pair.Client.FinishStream(id);
        Assert.All(payloads, p => Assert.Equal(2, p.RefCount));

        var received = new List<byte>();
        bool fin = false;
        byte[] chunk = new byte[65536];
        pair.DriveUntil(() =>
        {
            var server = pair.Server;
            if (server is null) return false;
            server.TryAcceptStream(StreamDirection.Unidirectional, out _);
            while (!fin && server.Streams.FindRecv(id) is not null)
            {
                int n = server.ReadStream(id, chunk, out fin);
                if (n == 0 && !fin) break;
                received.AddRange(chunk.AsSpan(0, n).ToArray());
            }
            return fin && payloads.All(p => p.RefCount == 1);
        });

        Assert.Equal(expected, received);
        Assert.All(payloads, p => Assert.Equal(1, p.RefCount));
    }

    [Fact]
    public void AckProcessingThrows_ConnectionClosedWithInternalError_PeerTold()
    {
        // A failure inside one connection's receive processing (here a shared buffer's owner throwing on release) must
        // not leave that connection running half-updated: it closes with INTERNAL_ERROR and the peer learns why.
        var pair = new QuicPair();
        pair.Handshake();
        StreamId id = pair.Client.OpenStream(StreamDirection.Unidirectional)!.Value;
        Assert.Equal(100, pair.Client.WriteStreamShared(id, new ThrowingOnReleaseBuffer(new byte[100]), 0, 100));

        Assert.Throws<InvalidOperationException>(() => pair.DriveToIdle());

        Assert.Equal(ConnectionState.Closing, pair.Client.State);
        Assert.Equal((CloseOrigin.Local, false, (ulong)TransportErrorCode.InternalError),
            (pair.Client.CloseInfo!.Origin, pair.Client.CloseInfo.IsApplicationError, pair.Client.CloseInfo.ErrorCode));
        pair.DriveUntil(() => pair.Server!.CloseInfo is not null);
        Assert.Equal((CloseOrigin.Peer, (ulong)TransportErrorCode.InternalError), (pair.Server!.CloseInfo!.Origin, pair.Server.CloseInfo.ErrorCode));
    }

    private sealed class ThrowingOnReleaseBuffer(byte[] bytes) : ISharedBuffer
    {
        private bool _thrown;

        public ReadOnlyMemory<byte> Memory => bytes;

        public bool TryRetain() => true;

        public void Release()
        {
            if (_thrown)
                return;
            _thrown = true;
            throw new InvalidOperationException("release failed");
        }
    }

    [Fact]
    public void ResetStream_UnacknowledgedSharedData_ReleasedAtOnce()
    {
        var pair = new QuicPair();
        pair.Handshake();
        var payload = new CountingSharedBuffer(new byte[50_000]);
        StreamId id = pair.Client.OpenStream(StreamDirection.Unidirectional)!.Value;
        int written = pair.Client.WriteStreamShared(id, payload, 0, 50_000);
        Assert.True(written > 0);
        Assert.Equal(2, payload.RefCount);

        pair.Client.ResetStream(id, 7);
        Assert.Equal(1, payload.RefCount);
        pair.DriveToIdle(); // acknowledgements of anything sent before the reset release nothing twice
        Assert.Equal(1, payload.RefCount);
    }

    [Fact]
    public void Close_UnacknowledgedSharedData_ReleasedAtOnce()
    {
        var pair = new QuicPair();
        pair.Handshake();
        var payload = new CountingSharedBuffer(new byte[20_000]);
        StreamId id = pair.Client.OpenStream(StreamDirection.Unidirectional)!.Value;
        pair.Client.WriteStreamShared(id, payload, 0, 20_000);
        pair.Client.WriteStreamShared(id, payload, 0, 10_000);
        Assert.Equal(3, payload.RefCount);

        pair.Client.Close(pair.Now, 0, "bye");
        Assert.Equal(1, payload.RefCount);
        pair.DriveToIdle();
        Assert.Equal(1, payload.RefCount);
    }

    [Fact]
    public void PeerClose_UnacknowledgedSharedData_ReleasedWhenDraining()
    {
        var pair = new QuicPair();
        pair.Handshake();
        var payload = new CountingSharedBuffer(new byte[20_000]);
        StreamId id = pair.Client.OpenStream(StreamDirection.Unidirectional)!.Value;
        pair.Client.WriteStreamShared(id, payload, 0, 20_000);
        Assert.Equal(2, payload.RefCount);

        // The server closes before the client sent anything: the client's CONNECTION_CLOSE receipt (draining) releases.
        pair.Server!.Close(pair.Now, 5, "going away");
        pair.DriveUntil(() => pair.Client.State is ConnectionState.Draining or ConnectionState.Drained);
        Assert.Equal(1, payload.RefCount);
    }
}
