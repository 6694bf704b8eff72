using MoqLive.Moqt.Session;
using MoqLive.Moqt.Wire;
using MoqLive.Testing;
using MoqLive.Transport;

namespace MoqLive.Moqt.Tests.Session;

/// <summary>Protocol violations by the peer close the session with the draft-19 code.</summary>
public sealed class MoqtSessionProtocolErrorTests
{
    public static TheoryData<MoqtVersion> Versions() => [.. MoqtVersions.Supported];

    private static byte[] Encode(MoqtControlMessage message) => ControlMessageCodec.Encode(message, MoqtVersion.Draft19);

    private static Subscribe SubscribeMessage(ulong requestId) =>
        new(requestId, TrackNamespace.FromStrings("live"), System.Text.Encoding.UTF8.GetBytes("video"));

    /// <summary>Writes raw bytes on a new bidi stream from the client transport, bypassing the client session.</summary>
    private static async Task SendRawRequestAsync(SessionPair pair, byte[] bytes)
    {
        ITransportStream stream = await pair.ClientTransport.OpenBidirectionalStreamAsync().AsTask().WithTimeout();
        await stream.WriteAsync(bytes).AsTask().WithTimeout();
    }

    private static async Task AssertServerClosedAsync(SessionPair pair, MoqtErrorCode code)
    {
        TransportCloseInfo closed = await pair.Server.Closed.WithTimeout();
        Assert.Equal((ulong)code, closed.ErrorCode);
        Assert.False(closed.ClosedByPeer);
        TransportCloseInfo seen = await pair.Client.Closed.WithTimeout();
        Assert.Equal((ulong)code, seen.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task RequestStream_MalformedMessage_ClosesWithProtocolViolation(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = new TestPublisher() });
        // SUBSCRIBE whose length covers one byte more than its fields.
        byte[] good = Encode(SubscribeMessage(0));
        byte[] bad = [.. good, 0x00];
        bad[2]++;
        await SendRawRequestAsync(pair, bad);
        await AssertServerClosedAsync(pair, MoqtErrorCode.ProtocolViolation);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task RequestStream_StartsWithResponseMessage_ClosesWithProtocolViolation(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        await SendRawRequestAsync(pair, Encode(new SubscribeOk(1)));
        await AssertServerClosedAsync(pair, MoqtErrorCode.ProtocolViolation);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task RequestStream_UnknownMessageType_ClosesWithProtocolViolation(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        await SendRawRequestAsync(pair, [0x3F, 0x00, 0x00]);
        await AssertServerClosedAsync(pair, MoqtErrorCode.ProtocolViolation);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task RequestId_WrongParity_ClosesWithInvalidRequestId(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = new TestPublisher() });
        await SendRawRequestAsync(pair, Encode(SubscribeMessage(1)));
        await AssertServerClosedAsync(pair, MoqtErrorCode.InvalidRequestId);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task RequestId_Duplicate_ClosesWithInvalidRequestId(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version, server: new MoqtSessionOptions { Publisher = new TestPublisher() });
        await SendRawRequestAsync(pair, Encode(SubscribeMessage(100)));
        await SendRawRequestAsync(pair, Encode(SubscribeMessage(100)));
        await AssertServerClosedAsync(pair, MoqtErrorCode.InvalidRequestId);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ControlStream_SecondControlStream_ClosesWithProtocolViolation(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        ITransportSendStream stream = await pair.ClientTransport.OpenUnidirectionalStreamAsync().AsTask().WithTimeout();
        await stream.WriteAsync(Encode(new Setup())).AsTask().WithTimeout();
        await AssertServerClosedAsync(pair, MoqtErrorCode.ProtocolViolation);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task DataStream_InvalidStreamType_ClosesWithProtocolViolation(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        ITransportSendStream stream = await pair.ClientTransport.OpenUnidirectionalStreamAsync().AsTask().WithTimeout();
        await stream.WriteAsync(new byte[] { 0x16, 0x01, 0x02 }).AsTask().WithTimeout();
        await AssertServerClosedAsync(pair, MoqtErrorCode.ProtocolViolation);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Datagram_InvalidType_ClosesWithProtocolViolation(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        Assert.True(pair.ClientTransport.SendDatagram(new byte[] { 0x22, 0x01, 0x02, 0x03, 0x80, 0x00 }));
        await AssertServerClosedAsync(pair, MoqtErrorCode.ProtocolViolation);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task PaddingStreamAndDatagram_AreDiscarded(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        ITransportSendStream stream = await pair.ClientTransport.OpenUnidirectionalStreamAsync().AsTask().WithTimeout();
        var padding = new byte[64];
        Padding.WriteStreamHeader(padding);
        await stream.WriteAsync(padding, endStream: true).AsTask().WithTimeout();
        Assert.True(pair.ClientTransport.SendDatagram(Padding.CreateDatagram(32)));

        // The session still answers requests.
        Assert.Equal(MoqLive.Moqt.Model.RequestErrorCode.NotSupported,
            (await pair.Client.TrackStatusAsync(MoqLive.Moqt.Model.FullTrackName.Create(MoqLive.Moqt.Model.TrackNamespace.Of("x"), "y")).AsTask().WithTimeout()).ErrorCode);
        Assert.False(pair.Server.Closed.IsCompleted);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task GoAway_Twice_ClosesWithProtocolViolation(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        await pair.Client.GoAwayAsync().AsTask().WithTimeout();
        await pair.Client.GoAwayAsync().AsTask().WithTimeout();
        await AssertServerClosedAsync(pair, MoqtErrorCode.ProtocolViolation);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Requests_AfterClose_ThrowMoqtSessionException(MoqtVersion version)
    {
        await using SessionPair pair = await SessionPair.CreateAsync(version);
        await pair.Server.CloseAsync(MoqtErrorCode.ProtocolViolation, "test").AsTask().WithTimeout();
        await pair.Client.Closed.WithTimeout();
        MoqtSessionException e = await Assert.ThrowsAsync<MoqtSessionException>(() =>
            pair.Client.TrackStatusAsync(MoqLive.Moqt.Model.FullTrackName.Create(MoqLive.Moqt.Model.TrackNamespace.Of("x"), "y")).AsTask().WithTimeout());
        Assert.Equal(MoqtErrorCode.ProtocolViolation, e.ErrorCode);
    }
}
