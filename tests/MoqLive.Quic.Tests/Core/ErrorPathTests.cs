using MoqLive.Quic.Core;
using MoqLive.Quic.Streams;

namespace MoqLive.Quic.Tests.Core;

public class ErrorPathTests
{
    [Fact]
    public void AlpnMismatch_ServerClosesWithCryptoError_ClientSeesIt()
    {
        var pair = new QuicPair(30, alpn: "nope");
        pair.DriveUntil(() => pair.Client.CloseInfo is not null);
        var info = pair.Client.CloseInfo!;
        Assert.Equal(CloseOrigin.Peer, info.Origin);
        Assert.False(info.IsApplicationError);
        Assert.Equal(0x100UL + 120, info.ErrorCode); // no_application_protocol
        pair.DriveUntil(() => pair.Client.State == ConnectionState.Drained && pair.Server!.State == ConnectionState.Drained);
    }

    [Fact]
    public void CloseDuringHandshake_SentAsApplicationErrorInInitial()
    {
        var pair = new QuicPair(31);
        pair.DriveUntil(() => pair.Server is not null);
        pair.Client.Close(pair.Now, 0x99, "changed my mind");
        pair.DriveUntil(() => pair.Server!.CloseInfo is not null);
        var info = pair.Server!.CloseInfo!;
        // RFC 9000 §10.2.3: before 1-RTT keys the application code is hidden behind APPLICATION_ERROR.
        Assert.Equal((false, (ulong)TransportErrorCode.ApplicationError), (info.IsApplicationError, info.ErrorCode));
    }

    [Fact]
    public void CommandsAfterClose_Throw()
    {
        var pair = new QuicPair(32);
        pair.Handshake();
        pair.Client.Close(pair.Now, 1, "done");
        Assert.Throws<InvalidOperationException>(() => pair.Client.OpenStream(StreamDirection.Bidirectional));
        Assert.Throws<InvalidOperationException>(() => pair.Client.SendDatagram(new byte[1]));
        Assert.False(pair.Client.InitiateKeyUpdate());
    }

    [Fact]
    public void ClosingState_RepeatsCloseWhenPeerKeepsSending()
    {
        var pair = new QuicPair(33);
        pair.Handshake();
        // The server's close is lost; the client keeps sending and gets the close again.
        int serverDatagrams = 0;
        pair.Interceptor = (toServer, _) => !toServer && ++serverDatagrams == 1;
        pair.Server!.Close(pair.Now, 5, "bye");
        pair.Client.SendDatagram(new byte[10]);
        pair.DriveUntil(() => pair.Client.CloseInfo is not null, maxTime: TimeSpan.FromSeconds(30));
        Assert.Equal(5UL, pair.Client.CloseInfo!.ErrorCode);
    }

    [Fact]
    public void NewRenoConnection_TransfersUnderLoss()
    {
        var opts = new ConnectionOptions { CongestionControl = CongestionControlAlgorithm.NewReno };
        var pair = new QuicPair(34, new LinkOptions { Loss = 0.03 }, client: opts, server: opts);
        pair.Handshake();
        var transfer = new StreamTransfer(pair, streams: 2, bytesPerStream: 300_000);
        pair.DriveUntil(transfer.Pump);
        transfer.AssertByteExact();
    }

    [Fact]
    public void Pacing_SpreadsBulkSendOverTime()
    {
        var pair = new QuicPair(35, new LinkOptions { Latency = TimeSpan.FromMilliseconds(50) });
        pair.Handshake();
        // Grow the window, then check the sender does not emit the whole window in one instant.
        var warmup = new StreamTransfer(pair, streams: 1, bytesPerStream: 2_000_000, seed: 1);
        pair.DriveUntil(warmup.Pump);
        var id = pair.Client.OpenStream(StreamDirection.Unidirectional)!.Value;
        pair.Client.WriteStream(id, new byte[500_000]);
        var buffer = new byte[2000];
        int burst = 0;
        while (pair.Client.PollTransmit(pair.Now, buffer, out _)) burst++;
        // The pacer's bucket holds what its rate (1.25 cwnd / srtt) sends in 2 ms, at least 10 datagrams: far less than the window.
        double rate = 1.25 * pair.Client.CongestionWindow / pair.Client.Rtt.TotalSeconds;
        int maxBurst = Math.Max(10, (int)(rate * 0.002 / 1200)) + 2;
        Assert.InRange(burst, 1, maxBurst);
        Assert.True(burst * 1200 < (long)pair.Client.CongestionWindow / 4, $"burst of {burst} datagrams is not paced (cwnd {pair.Client.CongestionWindow})");
        Assert.NotNull(pair.Client.PollTimeout());
    }
}
