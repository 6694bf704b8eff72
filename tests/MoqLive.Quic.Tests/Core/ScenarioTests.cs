using MoqLive.Quic.Core;
using MoqLive.Quic.Streams;
using MoqLive.Transport;

namespace MoqLive.Quic.Tests.Core;

public class ScenarioTests
{
    private static StreamEvent? FindStreamEvent(List<ConnectionEvent> events, StreamEventKind kind) =>
        events.Where(e => e.Kind == ConnectionEventKind.Stream && e.Stream.Kind == kind).Select(e => (StreamEvent?)e.Stream).FirstOrDefault();

    // Reads everything available; true when the FIN was reached.
    private static bool ReadAll(Connection c, StreamId id, byte[] buf)
    {
        while (true)
        {
            int n = c.ReadStream(id, buf, out bool fin);
            if (fin) return true;
            if (n == 0) return false;
        }
    }

    [Fact]
    public void ResetStream_PeerReadSeesResetCode_AndBufferIsDropped()
    {
        var pair = new QuicPair();
        pair.Handshake();
        var id = pair.Client.OpenStream(StreamDirection.Unidirectional)!.Value;
        pair.Client.WriteStream(id, new byte[200_000]);
        pair.DriveUntil(() => pair.Server!.TryAcceptStream(StreamDirection.Unidirectional, out _));
        pair.Client.ResetStream(id, 42);
        Assert.Equal(0UL, pair.Client.Streams.FindSend(id)?.Buffered ?? 0);
        pair.DriveUntil(() => pair.Server!.Streams.FindRecv(id) is { State: RecvStreamState.ResetRecvd });
        var ex = Assert.Throws<StreamResetException>(() => pair.Server!.ReadStream(id, new byte[10], out _));
        Assert.Equal(42UL, ex.ErrorCode);
        pair.DriveToIdle();
        // RESET_STREAM acknowledged: the client forgot the stream.
        Assert.Null(pair.Client.Streams.FindSend(id));
    }

    [Fact]
    public void StopSending_SenderGetsStoppedEvent_AndResets()
    {
        var pair = new QuicPair();
        pair.Handshake();
        var id = pair.Client.OpenStream(StreamDirection.Bidirectional)!.Value;
        pair.Client.WriteStream(id, new byte[1000]);
        StreamId serverSide = default;
        pair.DriveUntil(() => pair.Server!.TryAcceptStream(StreamDirection.Bidirectional, out serverSide));
        pair.Server!.StopStream(serverSide, 7);
        pair.DriveUntil(() => FindStreamEvent(pair.ClientEvents, StreamEventKind.Stopped) is not null);
        var ev = FindStreamEvent(pair.ClientEvents, StreamEventKind.Stopped)!.Value;
        Assert.Equal((id, 7UL), (ev.Id, ev.ErrorCode));
        Assert.Throws<StreamStoppedException>(() => pair.Client.WriteStream(id, new byte[1]));
        pair.DriveToIdle();
        Assert.Equal(ConnectionState.Established, pair.Server.State);
    }

    [Fact]
    public void FlowControlLimitedTransfer_SmallWindows_CompletesByteExact()
    {
        var small = new ConnectionOptions { StreamReceiveWindow = 16 * 1024, MaxStreamReceiveWindow = 16 * 1024, ConnectionReceiveWindow = 32 * 1024, MaxConnectionReceiveWindow = 32 * 1024 };
        var pair = new QuicPair(3, server: small);
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 3, bytesPerStream: 300_000);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
        // The sender never exceeded the windows (or the server would have closed with FLOW_CONTROL_ERROR).
        Assert.Null(pair.Server!.CloseInfo);
    }

    [Fact]
    public void WindowAutoTuning_GrowsStreamWindow_ForFastReader()
    {
        var opts = new ConnectionOptions { StreamReceiveWindow = 32 * 1024, MaxStreamReceiveWindow = 4 * 1024 * 1024 };
        var pair = new QuicPair(4, new LinkOptions { Latency = TimeSpan.FromMilliseconds(25) }, server: opts);
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 1, bytesPerStream: 4 * 1024 * 1024);
        RecvStream? recv = null;
        ulong maxWindow = 0;
        pair.DriveUntil(() =>
        {
            bool done = transfer.Pump();
            if (pair.Server!.Streams.FindRecv(new StreamId(2)) is { } r) recv = r;
            if (recv is not null) maxWindow = Math.Max(maxWindow, recv.Window.Window);
            return done;
        });
        transfer.AssertByteExact();
        Assert.True(maxWindow >= 256 * 1024, $"window stayed at {maxWindow}");
    }

    [Fact]
    public void KeyUpdate_MidTransfer_BothSidesRotateAndDataIsExact()
    {
        var pair = new QuicPair(6, new LinkOptions { Loss = 0.02, Reordering = 0.05 });
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 2, bytesPerStream: 500_000);
        bool updated = false;
        pair.DriveUntil(() =>
        {
            bool done = transfer.Pump();
            if (!updated && pair.Server!.Stats.PacketsReceived > 100) updated = pair.Client.InitiateKeyUpdate();
            return done;
        });
        transfer.AssertByteExact();
        pair.DriveToIdle();
        Assert.True(updated);
        Assert.Equal(1, pair.Client.Stats.KeyUpdates);
        Assert.Equal(1, pair.Server!.Stats.KeyUpdates);
        Assert.Equal(pair.Client.KeyPhase, pair.Server.KeyPhase);
        Assert.True(pair.Client.KeyPhase);
    }

    [Fact]
    public void KeyUpdate_Repeated_ByInterval_ServerAnswers()
    {
        var pair = new QuicPair(7, client: new ConnectionOptions { KeyUpdateInterval = 200 });
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 1, bytesPerStream: 1_000_000);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
        Assert.True(pair.Client.Stats.KeyUpdates >= 3, $"{pair.Client.Stats.KeyUpdates} updates");
        Assert.Equal(pair.Client.Stats.KeyUpdates, pair.Server!.Stats.KeyUpdates);
    }

    [Fact]
    public void KeyUpdate_BothSidesByInterval_UnderReorderingAndLoss()
    {
        var opts = new ConnectionOptions { KeyUpdateInterval = 150 };
        var pair = new QuicPair(19, new LinkOptions { Loss = 0.03, Reordering = 0.15 }, client: opts, server: opts);
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 2, bytesPerStream: 400_000, direction: StreamDirection.Bidirectional);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
        Assert.True(pair.Client.Stats.KeyUpdates >= 3);
        Assert.Equal(ConnectionState.Established, pair.Server!.State);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NatRebinding_MidTransfer_ServerFollowsNewAddress(bool newIp)
    {
        var pair = new QuicPair(24, new LinkOptions { Loss = 0.01 });
        pair.Handshake();
        var id = pair.Server!.OpenStream(StreamDirection.Unidirectional)!.Value;
        var data = Enumerable.Range(0, 600_000).Select(i => (byte)(i * 3)).ToArray();
        int written = 0;
        var received = new MemoryStream();
        var buf = new byte[65536];
        bool fin = false, rebound = false;
        pair.DriveUntil(() =>
        {
            if (written < data.Length)
            {
                written += pair.Server.WriteStream(id, data.AsSpan(written));
                if (written == data.Length) pair.Server.FinishStream(id);
            }
            if (!rebound && received.Length > 200_000)
            {
                rebound = true;
                pair.CurrentClientAddress = newIp
                    ? new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.9.9.9"), 6000)
                    : new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.0.1"), 6000);
            }
            pair.Client.TryAcceptStream(StreamDirection.Unidirectional, out _);
            while (!fin && pair.Client.Streams.FindRecv(id) is not null)
            {
                int n = pair.Client.ReadStream(id, buf, out fin);
                received.Write(buf, 0, n);
                if (n == 0) break;
            }
            return fin;
        }, maxTime: TimeSpan.FromSeconds(60));
        Assert.Equal(data, received.ToArray());
        Assert.Equal(1, pair.Server.Stats.Migrations);
        Assert.Equal(pair.CurrentClientAddress, pair.Server.RemoteAddress);
        pair.DriveToIdle();
        Assert.False(pair.Server.IsPathValidationPending);
    }

    [Fact]
    public void IdleTimeout_BothSidesDrainSilently()
    {
        var opts = new ConnectionOptions { IdleTimeout = TimeSpan.FromSeconds(5) };
        var pair = new QuicPair(8, client: opts, server: opts with { IdleTimeout = TimeSpan.FromSeconds(10) });
        pair.Handshake();
        var start = pair.Now;
        pair.DriveUntil(() => pair.Client.State == ConnectionState.Drained && pair.Server!.State == ConnectionState.Drained);
        var lost = pair.ClientEvents.First(e => e.Kind == ConnectionEventKind.ConnectionLost);
        Assert.Equal(CloseOrigin.IdleTimeout, lost.Close!.Origin);
        // The effective timeout is the minimum of both (5 s).
        Assert.InRange((pair.Now - start).TotalSeconds, 4.9, 5.5);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3600)] // longer than the idle timeout: capped at half of it
    public void KeepAlive_QuietConnectionOutlivesIdleTimeout(int keepAliveSeconds)
    {
        var opts = new ConnectionOptions { IdleTimeout = TimeSpan.FromSeconds(5) };
        var pair = new QuicPair(8, client: opts, server: opts with { KeepAliveInterval = TimeSpan.FromSeconds(keepAliveSeconds) });
        pair.Handshake();
        pair.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(ConnectionState.Established, pair.Client.State);
        Assert.Equal(ConnectionState.Established, pair.Server!.State);
        Assert.DoesNotContain(pair.ClientEvents, e => e.Kind == ConnectionEventKind.ConnectionLost);
    }

    [Fact]
    public void WholeFlightLost_PtoProbesRecover()
    {
        var pair = new QuicPair(9, new LinkOptions { Latency = TimeSpan.FromMilliseconds(30) });
        pair.Handshake();
        var id = pair.Client.OpenStream(StreamDirection.Unidirectional)!.Value;
        pair.Client.WriteStream(id, new byte[20_000]);
        pair.Client.FinishStream(id);
        // Drop everything the client sends for 400 ms: the whole flight and the first probes.
        var blackoutEnd = pair.Now + TimeSpan.FromMilliseconds(400);
        pair.Interceptor = (toServer, _) => toServer && pair.Now < blackoutEnd;
        var transfer = new byte[20_000];
        int got = 0;
        bool fin = false;
        pair.DriveUntil(() =>
        {
            if (pair.Server!.TryAcceptStream(StreamDirection.Unidirectional, out _)) { }
            if (pair.Server.Streams.FindRecv(id) is not null)
            {
                got += pair.Server.ReadStream(id, transfer.AsSpan(got), out fin);
            }
            return fin;
        }, maxTime: TimeSpan.FromSeconds(10));
        Assert.Equal(20_000, got);
        Assert.True(pair.Client.Stats.PtoCount >= 1);
    }

    [Fact]
    public void Datagrams_DeliveredUnreliably_AndSizeIsBounded()
    {
        var pair = new QuicPair(10);
        pair.Handshake();
        int max = pair.Client.MaxDatagramSize;
        Assert.InRange(max, 1000, 1200);
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.Client.SendDatagram(new byte[max + 1]));
        for (int i = 0; i < 10; i++) Assert.True(pair.Client.SendDatagram(new byte[] { (byte)i, 1, 2, 3 }));
        Assert.True(pair.Client.SendDatagram(new byte[max]));
        pair.DriveToIdle();
        var got = new List<byte[]>();
        while (pair.Server!.TryReceiveDatagram(out var d)) got.Add(d);
        Assert.Equal(11, got.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), got.Take(10).Select(d => d[0]));
        Assert.Equal(max, got[10].Length);
        Assert.Equal(11, pair.ServerEvents.Count(e => e.Kind == ConnectionEventKind.DatagramReceived));
    }

    [Fact]
    public void Datagrams_PeerDisabled_MaxSizeZero()
    {
        var pair = new QuicPair(11, server: new ConnectionOptions { MaxDatagramFrameSize = 0 });
        pair.Handshake();
        Assert.Equal(0, pair.Client.MaxDatagramSize);
    }

    [Fact]
    public void Priority_UrgentStreamCompletesFirst_EvenWhenOpenedLater()
    {
        var pair = new QuicPair(12, new LinkOptions { BytesPerSecond = 2_000_000 });
        pair.Handshake();
        var bulk = pair.Client.OpenStream(StreamDirection.Unidirectional, new StreamPriority(5, 0))!.Value;
        pair.Client.WriteStream(bulk, new byte[400_000]);
        pair.Client.FinishStream(bulk);
        pair.Advance(TimeSpan.FromMilliseconds(20));
        var urgent = pair.Client.OpenStream(StreamDirection.Unidirectional, new StreamPriority(0, 0))!.Value;
        pair.Client.WriteStream(urgent, new byte[100_000]);
        pair.Client.FinishStream(urgent);
        var order = new List<StreamId>();
        var buf = new byte[65536];
        pair.DriveUntil(() =>
        {
            foreach (var id in new[] { bulk, urgent })
            {
                if (order.Contains(id) || pair.Server?.Streams.FindRecv(id) is null) continue;
                if (ReadAll(pair.Server, id, buf)) order.Add(id);
            }
            return order.Count == 2;
        });
        Assert.Equal([urgent, bulk], order);
    }

    [Fact]
    public void Priority_ChangedMidStream_TakesEffect()
    {
        var pair = new QuicPair(13, new LinkOptions { BytesPerSecond = 2_000_000 });
        pair.Handshake();
        var a = pair.Client.OpenStream(StreamDirection.Unidirectional, new StreamPriority(1, 0))!.Value;
        var b = pair.Client.OpenStream(StreamDirection.Unidirectional, new StreamPriority(1, 1))!.Value;
        pair.Client.WriteStream(a, new byte[300_000]);
        pair.Client.WriteStream(b, new byte[300_000]);
        pair.Client.FinishStream(a);
        pair.Client.FinishStream(b);
        pair.Advance(TimeSpan.FromMilliseconds(30));
        pair.Client.SetStreamPriority(b, new StreamPriority(0, 0));
        var order = new List<StreamId>();
        var buf = new byte[65536];
        pair.DriveUntil(() =>
        {
            foreach (var id in new[] { a, b })
            {
                if (order.Contains(id) || pair.Server?.Streams.FindRecv(id) is null) continue;
                if (ReadAll(pair.Server, id, buf)) order.Add(id);
            }
            return order.Count == 2;
        });
        Assert.Equal([b, a], order);
    }

    [Fact]
    public void ApplicationClose_PeerSeesCodeAndReason_BothDrain()
    {
        var pair = new QuicPair(14);
        pair.Handshake();
        pair.Client.Close(pair.Now, 0x42, "bye");
        pair.DriveUntil(() => pair.Server!.State is ConnectionState.Draining or ConnectionState.Drained);
        var info = pair.Server!.CloseInfo!;
        Assert.Equal((CloseOrigin.Peer, true, 0x42UL, "bye"), (info.Origin, info.IsApplicationError, info.ErrorCode, info.Reason));
        pair.DriveUntil(() => pair.Client.State == ConnectionState.Drained && pair.Server.State == ConnectionState.Drained);
    }

    [Fact]
    public void ProtocolViolation_ClosesWithTransportCodeAndFrameType()
    {
        var pair = new QuicPair(15, server: new ConnectionOptions { MaxIncomingUniStreams = 1 });
        pair.Handshake();
        // Bypass our own limit check to open a second stream the server did not allow.
        pair.Client.Streams.OnMaxStreams(StreamDirection.Unidirectional, 5, 0x13);
        var s1 = pair.Client.OpenStream(StreamDirection.Unidirectional)!.Value;
        var s2 = pair.Client.OpenStream(StreamDirection.Unidirectional)!.Value;
        pair.Client.WriteStream(s1, new byte[10]);
        pair.Client.WriteStream(s2, new byte[10]);
        pair.DriveUntil(() => pair.Client.CloseInfo is not null);
        Assert.Equal(TransportErrorCode.StreamLimitError, pair.Server!.Stats.LocalTransportError);
        var info = pair.Client.CloseInfo!;
        Assert.Equal((CloseOrigin.Peer, false, (ulong)TransportErrorCode.StreamLimitError), (info.Origin, info.IsApplicationError, info.ErrorCode));
        Assert.InRange(info.FrameType, 0x08UL, 0x0fUL);
    }

    [Fact]
    public void Handshake_ClientInitialDatagramsArePadded_AndServerRespectsAmplificationLimit()
    {
        var pair = new QuicPair(16);
        long clientBytes = 0, serverBytes = 0;
        bool serverValidated = false;
        pair.Interceptor = (toServer, data) =>
        {
            if (toServer)
            {
                clientBytes += data.Length;
                if ((data[0] & 0x80) != 0 && ((data[0] >> 4) & 3) == 0) Assert.True(data.Length >= 1200, $"client Initial datagram of {data.Length} bytes");
                if ((data[0] & 0x80) != 0 && ((data[0] >> 4) & 3) == 2) serverValidated = true;
            }
            else
            {
                serverBytes += data.Length;
                if (!serverValidated) Assert.True(serverBytes <= 3 * clientBytes, $"server sent {serverBytes} for {clientBytes}");
            }
            return false;
        };
        pair.Handshake();
    }

    [Fact]
    public void Handshake_UnderHeavyLoss_Completes()
    {
        var pair = new QuicPair(17, new LinkOptions { Loss = 0.3 });
        pair.DriveUntil(() => pair.Client.IsHandshakeConfirmed && pair.Server is { IsHandshakeConfirmed: true }, maxTime: TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void ConnectionIds_IssuedAfterHandshake_AndRotationKeepsConnectionWorking()
    {
        var pair = new QuicPair(18);
        pair.Handshake();
        pair.DriveToIdle();
        Assert.True(pair.Server!.LocalConnectionIds.Count() >= 2);
        Assert.True(pair.Client.RotateRemoteConnectionId());
        var transfer = new StreamTransfer(pair, streams: 1, bytesPerStream: 50_000);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
        pair.DriveToIdle();
        // The server retired the old ID and issued a replacement.
        Assert.DoesNotContain(pair.Server.LocalConnectionIds, c => c == default);
        Assert.True(pair.Server.LocalConnectionIds.Count() >= 2);
    }

    [Fact]
    public void RoutingVersion_ChangesWithConnectionIdsAndResetToken_NotWithData()
    {
        var pair = new QuicPair(18);
        pair.Handshake();
        pair.DriveToIdle();
        var server = pair.Server!;
        int serverVersion = server.RoutingVersion;
        var transfer = new StreamTransfer(pair, streams: 1, bytesPerStream: 50_000);
        pair.DriveUntil(transfer.Pump);
        pair.DriveToIdle();
        // Data alone changes no route, so the driver skips the endpoint's routing refresh.
        Assert.Equal(serverVersion, server.RoutingVersion);

        var serverIds = server.LocalConnectionIds.ToHashSet();
        int clientVersion = pair.Client.RoutingVersion;
        Assert.True(pair.Client.RotateRemoteConnectionId());
        // The client now sends with another ID of the server's, whose reset token the endpoint must match.
        Assert.NotEqual(clientVersion, pair.Client.RoutingVersion);
        var more = new StreamTransfer(pair, streams: 1, bytesPerStream: 10_000);
        pair.DriveUntil(more.Pump);
        pair.DriveToIdle();
        // The server retired the old ID and issued a replacement: new routes.
        Assert.False(serverIds.SetEquals(server.LocalConnectionIds));
        Assert.NotEqual(serverVersion, server.RoutingVersion);
    }
}
