using MoqLive.Quic.Core;
using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Tests.Core;

/// <summary>
/// The ACK frequency extension (draft-ietf-quic-ack-frequency-11) between two cores: an application-limited sender
/// (a relay's 30 objects a second) asks a receiver that advertised min_ack_delay for fewer ACKs, and the receiver
/// sends them.
/// </summary>
public class AckFrequencyTests
{
    private const int ObjectSize = 4166;

    private static readonly ConnectionOptions Sender = new() { AckFrequency = new AckFrequencyOptions() };

    private static readonly ConnectionOptions Receiver = new() { MinAckDelay = TimeSpan.FromMilliseconds(1) };

    /// <summary>
    /// Streams <paramref name="objects"/> objects 33 ms apart from the server to the client on a 1 ms link and returns
    /// the packets the client sent during the second half (past the first 100 packets, which are acknowledged every
    /// second packet in any case); every byte must arrive.
    /// </summary>
    private static (long ClientPackets, QuicPair Pair) StreamObjects(ConnectionOptions client, ConnectionOptions server, int objects = 240, double loss = 0, int seed = 7,
        int objectSize = ObjectSize)
    {
        var pair = new QuicPair(seed, new LinkOptions { Latency = TimeSpan.FromMilliseconds(1), Loss = loss }, client, server);
        pair.Handshake();
        var id = pair.Server!.OpenStream(StreamDirection.Unidirectional)!.Value;
        var sent = new MemoryStream();
        var received = new MemoryStream();
        var buffer = new byte[65536];
        long before = 0;
        bool fin = false;
        long written = 0;
        for (int i = 0; i < objects; i++)
        {
            if (i == objects / 2) before = pair.Client.Stats.PacketsSent;
            var payload = Enumerable.Range(0, objectSize).Select(b => (byte)(b * 7 + i)).ToArray();
            sent.Write(payload);
            Write();
            pair.Advance(TimeSpan.FromMilliseconds(33));
            Read();
        }
        long packets = pair.Client.Stats.PacketsSent - before;
        bool finished = false;
        pair.DriveUntil(() =>
        {
            Write();
            if (!finished && written == sent.Length)
            {
                pair.Server.FinishStream(id);
                finished = true;
            }
            Read();
            return fin;
        }, maxTime: TimeSpan.FromSeconds(60));
        Assert.Equal(sent.ToArray(), received.ToArray());
        return (packets, pair);

        // Writes what flow control allows (a loss holds the receiver's window until it is repaired).
        void Write()
        {
            if (written < sent.Length) written += pair.Server.WriteStream(id, sent.GetBuffer().AsSpan((int)written, (int)(sent.Length - written)));
        }

        void Read()
        {
            pair.Client.TryAcceptStream(StreamDirection.Unidirectional, out _);
            while (!fin && pair.Client.Streams.FindRecv(id) is not null)
            {
                int n = pair.Client.ReadStream(id, buffer, out fin);
                received.Write(buffer, 0, n);
                if (n == 0) break;
            }
        }
    }

    [Fact]
    public void AppLimitedSender_ReceiverAdvertisedMinAckDelay_ReceiverSendsFarFewerAcks()
    {
        var (without, plain) = StreamObjects(new ConnectionOptions(), new ConnectionOptions());
        var (withFrequency, pair) = StreamObjects(Receiver, Sender);

        Assert.Equal(0, plain.Client.Stats.AckFrequencyFramesApplied);
        Assert.Equal(1, pair.Client.Stats.AckFrequencyFramesApplied);
        // Without the extension the client acknowledges about every object (a quarter RTT after its first packet);
        // asked for an ACK every 10 packets or 250 ms, one per ~2.5 objects (4 packets each).
        Assert.True(withFrequency * 2 < without, $"with ACK_FREQUENCY the client sent {withFrequency} packets, without {without}");
    }

    [Fact]
    public void OnePacketPerObject_DefaultRequestedMaxAckDelay_AboutOneAckPerEightObjects()
    {
        // Objects of one packet each, 33 ms apart: ten packets take 330 ms, so the Requested Max Ack Delay (250 ms by
        // default) is what bounds the receiver's ACKs, about one per eight objects (100 ms would give one per three).
        var (acks, pair) = StreamObjects(Receiver, Sender, objectSize: 1000);

        Assert.Equal(1, pair.Client.Stats.AckFrequencyFramesApplied);
        Assert.True(acks * 6 <= 120, $"the client sent {acks} packets for 120 objects");
        Assert.True(acks * 12 >= 120, $"the client sent only {acks} packets for 120 objects: the delay was not applied");
    }

    [Fact]
    public void ReceiverWithoutMinAckDelay_SenderSendsNoAckFrequency()
    {
        // §3: only a peer that advertised min_ack_delay may receive ACK_FREQUENCY.
        var (_, pair) = StreamObjects(new ConnectionOptions(), Sender, objects: 20);
        Assert.Equal(0, pair.Client.Stats.AckFrequencyFramesApplied);
        Assert.Equal(ConnectionState.Established, pair.Client.State);
    }

    [Fact]
    public void LossyLink_FrameResentWhenLost_TransferByteExact()
    {
        // The server's first 1-RTT datagrams after its handshake is confirmed (HANDSHAKE_DONE and ACK_FREQUENCY) are
        // lost: both are sent again (RFC 9000 §13.3), and the client applies ACK_FREQUENCY once.
        var pair = new QuicPair(9, new LinkOptions { Latency = TimeSpan.FromMilliseconds(5) }, Receiver, Sender);
        int dropped = 0;
        pair.Interceptor = (toServer, _) => !toServer && pair.Server is { IsHandshakeConfirmed: true } && dropped < 2 && ++dropped > 0;
        pair.Handshake();
        pair.DriveUntil(() => pair.Client.Stats.AckFrequencyFramesApplied == 1, maxTime: TimeSpan.FromSeconds(10));
        Assert.Equal(2, dropped);
        Assert.True(pair.Server!.Stats.PtoCount + pair.Server.Stats.PacketsLost > 0, "nothing was resent");

        var (_, lossy) = StreamObjects(Receiver, Sender, objects: 200, loss: 0.05, seed: 11);
        Assert.Equal(1, lossy.Client.Stats.AckFrequencyFramesApplied);
        Assert.True(lossy.Server!.Stats.PacketsLost > 0, "the link lost nothing: loss recovery was not exercised");
    }
}
