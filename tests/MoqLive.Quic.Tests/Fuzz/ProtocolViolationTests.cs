using System.Net;
using MoqLive.Quic.Core;
using MoqLive.Quic.Streams;
using MoqLive.Transport.Encoding;

namespace MoqLive.Quic.Tests.Fuzz;

/// <summary>
/// Protocol violations inside correctly protected packets (issue 2, "Bad input"): a victim client's keys (from its
/// TLS key log, or its Initial keys) seal chosen frame bytes; the server must close that connection with the right
/// transport error code and triggering frame type in CONNECTION_CLOSE (RFC 9000 §20.1, §19.19), and a healthy
/// connection on the same endpoint must not notice.
/// </summary>
public class ProtocolViolationTests
{
    private static readonly IPEndPoint VictimAddress = new(IPAddress.Parse("10.0.0.3"), 6000);

    private sealed record Case(string Name, TransportErrorCode Code, ulong FrameType, Func<Victim, byte[]> Packet, bool DuringHandshake = false);

    /// <summary>What a case needs to build its packet.</summary>
    private sealed record Victim(Connection Client, Connection Server, PacketForger Forger)
    {
        public byte[] OneRtt(params byte[][] frames) => Forger.OneRtt(Client.RemoteConnectionId, 1_000_000, frames.SelectMany(f => f).ToArray());

        public byte[] Initial(params byte[][] frames) => PacketForger.Initial(
            Client.OriginalDestinationConnectionId, Client.OriginalDestinationConnectionId, Client.LocalConnectionIds.First(), 1_000, frames.SelectMany(f => f).ToArray());
    }

    private static byte[] V(ulong value)
    {
        var b = new byte[QuicVarInt.GetEncodedLength(value)];
        QuicVarInt.Write(b, value);
        return b;
    }

    private static byte[] B(params byte[] bytes) => bytes;

    private static readonly Case[] s_cases =
    [
        // FRAME_ENCODING_ERROR (0x7): malformed or unknown frames.
        new("STREAM length beyond the packet", TransportErrorCode.FrameEncodingError, 0x0a, v => v.OneRtt(B(0x0a, 0x00, 0x7f, 0xff, 0xaa))),
        new("truncated MAX_DATA", TransportErrorCode.FrameEncodingError, 0x10, v => v.OneRtt(B(0x10, 0x40))),
        new("unknown frame type", TransportErrorCode.FrameEncodingError, 0x3f, v => v.OneRtt(B(0x01, 0x3f))),
        new("MAX_STREAMS above 2^60", TransportErrorCode.FrameEncodingError, 0x12, v => v.OneRtt(B(0x12), V((1UL << 60) + 1))),
        // PROTOCOL_VIOLATION (0xa): frames a client may not send or not in this packet type, bad packets.
        new("STREAM in an Initial packet", TransportErrorCode.ProtocolViolation, 0x0a, v => v.Initial(B(0x0a, 0x00, 0x01, 0xaa)), DuringHandshake: true),
        new("HANDSHAKE_DONE in an Initial packet", TransportErrorCode.ProtocolViolation, 0x1e, v => v.Initial(B(0x1e)), DuringHandshake: true),
        new("DATAGRAM in an Initial packet", TransportErrorCode.ProtocolViolation, 0x31, v => v.Initial(B(0x31, 0x01, 0xaa)), DuringHandshake: true),
        new("HANDSHAKE_DONE from a client", TransportErrorCode.ProtocolViolation, 0x1e, v => v.OneRtt(B(0x1e))),
        new("NEW_TOKEN from a client", TransportErrorCode.ProtocolViolation, 0x07, v => v.OneRtt(B(0x07, 0x01, 0xaa))),
        new("frame type not minimally encoded", TransportErrorCode.ProtocolViolation, 0x01, v => v.OneRtt(B(0x40, 0x01))),
        new("packet without frames", TransportErrorCode.ProtocolViolation, 0, v => v.OneRtt()),
        new("reserved header bits set", TransportErrorCode.ProtocolViolation, 0,
            v => v.Forger.OneRtt(v.Client.RemoteConnectionId, 1_000_000, [0x01], setReservedBits: true)),
        new("ACK of a packet never sent", TransportErrorCode.ProtocolViolation, 0x02, v => v.OneRtt(B(0x02), V(1_000_000), B(0x00, 0x00, 0x00))),
        new("RETIRE_CONNECTION_ID never issued", TransportErrorCode.ProtocolViolation, 0x19, v => v.OneRtt(B(0x19), V(1000))),
        // draft-ietf-quic-ack-frequency-11 §3: ACK_FREQUENCY to an endpoint that did not advertise min_ack_delay.
        new("ACK_FREQUENCY without min_ack_delay", TransportErrorCode.ProtocolViolation, 0xaf, v => v.OneRtt(V(0xaf), V(0), V(9), V(100_000), V(1))),
        // STREAM_STATE_ERROR (0x5).
        new("STREAM on a local stream not yet opened", TransportErrorCode.StreamStateError, 0x0a, v => v.OneRtt(B(0x0a, 0x01, 0x01, 0xaa))),
        new("STREAM on a send-only stream", TransportErrorCode.StreamStateError, 0x0a, v =>
        {
            Assert.Equal(3UL, v.Server.OpenStream(StreamDirection.Unidirectional)!.Value.Value);
            return v.OneRtt(B(0x0a, 0x03, 0x01, 0xaa));
        }),
        new("RESET_STREAM on a send-only stream", TransportErrorCode.StreamStateError, 0x04, v => v.OneRtt(B(0x04, 0x03, 0x00, 0x00))),
        new("MAX_STREAM_DATA on a receive-only stream", TransportErrorCode.StreamStateError, 0x11, v => v.OneRtt(B(0x11, 0x02), V(5000))),
        new("STOP_SENDING on a receive-only stream", TransportErrorCode.StreamStateError, 0x05, v => v.OneRtt(B(0x05, 0x02, 0x00))),
        // FLOW_CONTROL_ERROR (0x3): past initial_max_stream_data (256 KiB) and initial_max_data (1 MiB).
        new("STREAM beyond the stream window", TransportErrorCode.FlowControlError, 0x0e, v => v.OneRtt(B(0x0e, 0x00), V(300_000), B(0x01, 0xaa))),
        new("STREAMs beyond the connection window", TransportErrorCode.FlowControlError, 0x0e, v => v.OneRtt(
            [.. Enumerable.Range(0, 5).SelectMany(i => (byte[])[0x0e, .. V((ulong)i * 4), .. V(250_000), 0x01, 0xaa])])),
        // STREAM_LIMIT_ERROR (0x4): initial_max_streams_bidi is 100, so stream index 100 is one too many.
        new("STREAM beyond the stream limit", TransportErrorCode.StreamLimitError, 0x0a, v => v.OneRtt(B(0x0a), V(400), B(0x01, 0xaa))),
        // FINAL_SIZE_ERROR (0x6).
        new("final size changed", TransportErrorCode.FinalSizeError, 0x0b, v => v.OneRtt(B(0x0b, 0x00, 0x01, 0xaa), B(0x0b, 0x00, 0x02, 0xaa, 0xbb))),
        new("RESET_STREAM below data received", TransportErrorCode.FinalSizeError, 0x04, v => v.OneRtt(B(0x0a, 0x00, 0x04, 1, 2, 3, 4), B(0x04, 0x00, 0x00, 0x01))),
        // CONNECTION_ID_LIMIT_ERROR (0x9): more connection IDs than our active_connection_id_limit (4).
        new("NEW_CONNECTION_ID beyond the limit", TransportErrorCode.ConnectionIdLimitError, 0x18, v => v.OneRtt(
            [.. Enumerable.Range(10, 5).SelectMany(i => (byte[])[0x18, .. V((ulong)i), 0x00, 8, .. Enumerable.Repeat((byte)i, 8), .. new byte[16]])])),
    ];

    public static TheoryData<string> Cases => new(s_cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void ProtectedViolation_ServerClosesWithCodeAndFrameType_HealthyConnectionUnaffected(string name)
    {
        var c = s_cases.Single(x => x.Name == name);
        var (net, healthy) = HealthyConnection();
        var forger = new PacketForger();
        var victim = net.Connect(VictimAddress, keyLog: forger.OnKeyLog);
        if (c.DuringHandshake) net.RunUntil(() => net.Accepted.Count == 2);
        else net.RunUntil(() => victim.IsHandshakeConfirmed && net.Accepted.Count == 2 && net.Accepted[1].IsHandshakeConfirmed);
        var victimServer = net.Accepted[1];

        net.InjectToServer(VictimAddress, c.Packet(new Victim(victim, victimServer, forger)));
        net.RunUntil(() => victim.CloseInfo is not null);

        AssertClosedByPeer(victim, c.Code, c.FrameType);
        Assert.Equal(c.Code, victimServer.Stats.LocalTransportError);
        AssertHealthy(net, healthy);
    }

    [Fact]
    public void BadTransportParameters_ServerClosesWithTransportParameterError()
    {
        var (net, healthy) = HealthyConnection();
        // RFC 9000 §18.2: ack_delay_exponent above 20 is invalid.
        var victim = net.Connect(VictimAddress, new ConnectionOptions { AckDelayExponent = 21 });
        net.RunUntil(() => victim.CloseInfo is not null);

        AssertClosedByPeer(victim, TransportErrorCode.TransportParameterError, 0);
        AssertHealthy(net, healthy);
    }

    [Fact]
    public void AckFrequencyBelowMinAckDelay_ServerClosesWithProtocolViolation()
    {
        // draft-ietf-quic-ack-frequency-11 §4: a Requested Max Ack Delay below our min_ack_delay (5 ms here).
        var (net, healthy) = HealthyConnection(new ConnectionOptions { MinAckDelay = TimeSpan.FromMilliseconds(5) });
        var forger = new PacketForger();
        var victim = net.Connect(VictimAddress, keyLog: forger.OnKeyLog);
        net.RunUntil(() => victim.IsHandshakeConfirmed && net.Accepted.Count == 2 && net.Accepted[1].IsHandshakeConfirmed);

        net.InjectToServer(VictimAddress, forger.OneRtt(victim.RemoteConnectionId, 1_000_000, [.. V(0xaf), .. V(0), .. V(9), .. V(4_999), .. V(1)]));
        net.RunUntil(() => victim.CloseInfo is not null);

        AssertClosedByPeer(victim, TransportErrorCode.ProtocolViolation, 0xaf);
        AssertHealthy(net, healthy);
    }

    private static (EndpointNet Net, Connection Healthy) HealthyConnection(ConnectionOptions? server = null)
    {
        var net = new EndpointNet(server is null ? null : new EndpointOptions { Connection = server }, seed: 5);
        var healthy = net.Connect();
        net.RunUntil(() => healthy.IsHandshakeConfirmed && net.Accepted is [{ IsHandshakeConfirmed: true }]);
        return (net, healthy);
    }

    private static void AssertClosedByPeer(Connection victim, TransportErrorCode code, ulong frameType)
    {
        var info = victim.CloseInfo!;
        Assert.Equal(CloseOrigin.Peer, info.Origin);
        Assert.False(info.IsApplicationError);
        Assert.Equal(((ulong)code, frameType), (info.ErrorCode, info.FrameType));
    }

    private static void AssertHealthy(EndpointNet net, Connection healthy)
    {
        var server = net.Accepted[0];
        var id = healthy.OpenStream(StreamDirection.Unidirectional)!.Value;
        var payload = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        int sent = 0;
        var received = new List<byte>();
        var buffer = new byte[65536];
        bool fin = false;
        net.RunUntil(() =>
        {
            if (sent < payload.Length)
            {
                sent += healthy.WriteStream(id, payload.AsSpan(sent));
                if (sent == payload.Length) healthy.FinishStream(id);
            }
            server.TryAcceptStream(StreamDirection.Unidirectional, out _);
            if (server.Streams.FindRecv(id) is not null)
            {
                int n;
                while (!fin && (n = server.ReadStream(id, buffer, out fin)) > 0) received.AddRange(buffer[..n]);
            }
            return fin;
        });
        Assert.Equal(payload, received);
        Assert.Null(healthy.CloseInfo);
        Assert.Null(server.CloseInfo);
        Assert.Equal(ConnectionState.Established, healthy.State);
    }
}
