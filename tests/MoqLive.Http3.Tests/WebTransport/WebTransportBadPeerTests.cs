using System.Buffers;
using System.Buffers.Binary;
using MoqLive.Http3.Tests.Connection;
using MoqLive.Http3.WebTransport;
using MoqLive.Testing;
using MoqLive.Transport;
using MoqLive.Transport.Encoding;

namespace MoqLive.Http3.Tests.WebTransport;

/// <summary>
/// A peer that breaks WebTransport rules (RFC 9114, RFC 9220, RFC 9297, draft-ietf-webtrans-http3-02/-07): each case
/// asserts the error the spec names, and that another session on the same connection and a session on another
/// connection to the same server keep working.
/// </summary>
public sealed class WebTransportBadPeerTests
{
    private const string Path = "/moq";

    /// <summary>One server (a <see cref="WebTransportListener"/> on /moq), two connections, two sessions on the first.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        private Fixture(WebTransportListener listener, Http3TestPair first, Http3TestPair second)
        {
            Listener = listener;
            First = first;
            Second = second;
        }

        public WebTransportListener Listener { get; }

        public Http3TestPair First { get; }

        public Http3TestPair Second { get; }

        public (WebTransportSession Client, WebTransportSession Server) A { get; private set; }

        public (WebTransportSession Client, WebTransportSession Server) B { get; private set; }

        public (WebTransportSession Client, WebTransportSession Server) Other { get; private set; }

        public static async Task<Fixture> StartAsync(Http3ConnectionOptions? serverOptions = null)
        {
            var listener = new WebTransportListener(new WebTransportListenerOptions { Protocols = ["moqt-19"] });
            Http3RequestHandler handler = new Http3Router().Map(Path, listener.HandleAsync).HandleAsync;
            serverOptions ??= new Http3ConnectionOptions();
            serverOptions = serverOptions with { AdditionalSettings = WebTransportSettings.Server() };
            var clientOptions = new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Client() };
            Http3TestPair first = await Http3TestPair.StartAsync(handler, serverOptions: serverOptions, clientOptions: clientOptions);
            Http3TestPair second = await Http3TestPair.StartAsync(handler, serverOptions: serverOptions, clientOptions: clientOptions);
            var fixture = new Fixture(listener, first, second);
            fixture.A = await OpenAsync(first, listener);
            fixture.B = await OpenAsync(first, listener);
            fixture.Other = await OpenAsync(second, listener);
            return fixture;
        }

        private static async Task<(WebTransportSession, WebTransportSession)> OpenAsync(Http3TestPair pair, WebTransportListener listener)
        {
            WebTransportSession client = await pair.Client!.ConnectWebTransportAsync("relay.test", Path, ["moqt-19"]).WithTimeout();
            var server = (WebTransportSession)await listener.AcceptSessionAsync().WithTimeout();
            Assert.Equal(client.SessionId, server.SessionId);
            return (client, server);
        }

        /// <summary>Asserts B (same connection as A) and the session on the other connection still carry streams and datagrams.</summary>
        public async Task AssertOthersUnaffectedAsync(bool sameConnectionAlive = true)
        {
            if (sameConnectionAlive)
                await AssertWorksAsync(B);
            await AssertWorksAsync(Other);
        }

        public async ValueTask DisposeAsync()
        {
            await Listener.DisposeAsync();
            await First.DisposeAsync();
            await Second.DisposeAsync();
        }
    }

    private static async Task AssertWorksAsync((WebTransportSession Client, WebTransportSession Server) session)
    {
        Assert.False(session.Client.Closed.IsCompleted, "the session closed");
        ITransportStream stream = await session.Client.OpenBidirectionalStreamAsync().WithTimeout();
        await stream.WriteAsync("ping"u8.ToArray(), endStream: true).WithTimeout();
        ITransportStream atServer = await session.Server.AcceptBidirectionalStreamAsync().WithTimeout();
        Assert.Equal("ping"u8.ToArray(), await atServer.ReadToEndAsync().WithTimeout());
        await atServer.WriteAsync("pong"u8.ToArray(), endStream: true).WithTimeout();
        Assert.Equal("pong"u8.ToArray(), await stream.ReadToEndAsync().WithTimeout());

        Assert.True(session.Server.SendDatagram("still here"u8));
        Assert.Equal("still here"u8.ToArray(), (await session.Client.ReceiveDatagramAsync().WithTimeout()).ToArray());
    }

    private static byte[] Capsule(ulong type, ReadOnlySpan<byte> value, ulong? declaredLength = null)
    {
        var writer = new ArrayBufferWriter<byte>();
        QuicVarInt.Write(writer, type);
        QuicVarInt.Write(writer, declaredLength ?? (ulong)value.Length);
        writer.Write(value);
        return writer.WrittenSpan.ToArray();
    }

    private static byte[] CloseValue(uint code, int messageLength)
    {
        var value = new byte[4 + messageLength];
        BinaryPrimitives.WriteUInt32BigEndian(value, code);
        value.AsSpan(4).Fill((byte)'r');
        return value;
    }

    public static TheoryData<string, byte[], bool> MalformedCapsules => new()
    {
        // RFC 9297 §3.3: a capsule cut short by FIN is a malformed message.
        { "truncated at FIN", Capsule(0x2843, CloseValue(1, 10))[..8], true },
        // RFC 9297 §3.3: a capsule shorter than its fields; draft-02 §5: the 32-bit error code is mandatory.
        { "CLOSE shorter than its code", Capsule(0x2843, [0, 1]), false },
        // draft-02 §5 / draft-07 §5: the close message MUST NOT exceed 1024 bytes.
        { "CLOSE with a 1025-byte reason", Capsule(0x2843, CloseValue(1, 1025)), false },
        // A capsule length we refuse to buffer (far above any capsule WebTransport defines).
        { "length over the limit", Capsule(0x1234, [], declaredLength: 1UL << 30), false },
        // draft-07 §4.6: DRAIN_WEBTRANSPORT_SESSION has Length 0; RFC 9297 §3.3: extra bytes are malformed.
        { "DRAIN with a payload", Capsule(0x78ae, [1]), false },
        // draft-07 §5: data after CLOSE_WEBTRANSPORT_SESSION is H3_MESSAGE_ERROR.
        { "data after CLOSE", [.. Capsule(0x2843, CloseValue(1, 3)), .. Capsule(0x1234, [9])], false },
    };

    [Theory]
    [MemberData(nameof(MalformedCapsules))]
    public async Task MalformedCapsule_ConnectStreamAbortedWithMessageError_OthersUnaffected(string why, byte[] capsules, bool endStream)
    {
        await using Fixture f = await Fixture.StartAsync();
        ITransportStream streamOfA = await f.A.Server.OpenBidirectionalStreamAsync().WithTimeout();
        await streamOfA.WriteAsync("x"u8.ToArray()).WithTimeout();
        ITransportStream streamOfAAtClient = await f.A.Client.AcceptBidirectionalStreamAsync().WithTimeout();

        await f.A.Client.ConnectWriter.WriteDataAsync(capsules, endStream, CancellationToken.None).AsTask().WithTimeout();

        // RFC 9297 §3.3 → RFC 9114 §4.1.2: a malformed message is a stream error H3_MESSAGE_ERROR on the CONNECT stream,
        // which ends session A on both sides (draft-07 §6) and no more.
        TransportCloseInfo atServer = await f.A.Server.Closed.WithTimeout();
        Assert.True((ulong)Http3ErrorCode.MessageError == atServer.ErrorCode, why);
        TransportCloseInfo atClient = await f.A.Client.Closed.WithTimeout();
        Assert.Equal((ulong)Http3ErrorCode.MessageError, atClient.ErrorCode);
        // draft-07 §6: the session's streams die with it.
        Assert.IsType<TransportSessionClosedException>(await streamOfAAtClient.ReadUntilFailureAsync().WithTimeout());
        await f.AssertOthersUnaffectedAsync();
    }

    [Fact]
    public async Task WellFormedClose_StillClosesWithCodeAndReason()
    {
        await using Fixture f = await Fixture.StartAsync();

        await f.A.Client.ConnectWriter.WriteDataAsync(Capsule(0x2843, CloseValue(9, 1024)), endStream: true, CancellationToken.None).AsTask().WithTimeout();

        TransportCloseInfo atServer = await f.A.Server.Closed.WithTimeout();
        Assert.Equal(9UL, atServer.ErrorCode);
        Assert.Equal(new string('r', 1024), atServer.Reason);
        await f.AssertOthersUnaffectedAsync();
    }

    private static byte[] StreamHeader(ulong type, ulong sessionId, ReadOnlySpan<byte> payload = default)
    {
        var writer = new ArrayBufferWriter<byte>();
        QuicVarInt.Write(writer, type);
        QuicVarInt.Write(writer, sessionId);
        writer.Write(payload);
        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public async Task UnknownSessionStreams_BufferedThenRejectedWithBufferedStreamRejected_OthersUnaffected()
    {
        await using Fixture f = await Fixture.StartAsync();
        const ulong unknownSession = 400; // a client-initiated bidi stream ID no CONNECT used

        // draft-02 §4.5 / draft-07 §4.6: streams for a session not (yet) known are buffered, up to a limit (16 here).
        var buffered = new List<ITransportSendStream>();
        for (int i = 0; i < 16; i++)
            buffered.Add(await f.First.SendRawUniStreamAsync(StreamHeader(0x54, unknownSession, "u"u8)));
        await Poll.UntilAsync(() => f.First.Server.BufferedWebTransportStreamCount == 16);
        ITransportStream bidi = await f.First.SendRawRequestAsync(StreamHeader(0x41, unknownSession, "b"u8), endStream: false);
        ITransportSendStream uni = await f.First.SendRawUniStreamAsync(StreamHeader(0x54, unknownSession, "u"u8));

        // ... and beyond the limit, closed with WEBTRANSPORT_BUFFERED_STREAM_REJECTED (RESET_STREAM and STOP_SENDING).
        var bidiAborted = Assert.IsType<TransportStreamAbortedException>(await bidi.ReadUntilFailureAsync().WithTimeout());
        Assert.Equal(WebTransportErrorCodes.BufferedStreamRejected, bidiAborted.ErrorCode);
        var uniStopped = Assert.IsType<TransportStreamAbortedException>(await uni.WritesClosed.ContinueWith(t => t.Exception?.InnerException).WithTimeout());
        Assert.Equal(WebTransportErrorCodes.BufferedStreamRejected, uniStopped.ErrorCode);
        Assert.All(buffered, s => Assert.False(s.WritesClosed.IsCompleted));
        await f.AssertOthersUnaffectedAsync();
    }

    [Theory]
    [InlineData(0x54)]
    [InlineData(0x41)]
    public async Task StreamWithImpossibleSessionId_ClosesConnectionWithIdError_OtherConnectionUnaffected(int type)
    {
        await using Fixture f = await Fixture.StartAsync();

        // draft-07 §4: a session ID that cannot be a client-initiated bidirectional stream is H3_ID_ERROR.
        if (type == 0x54)
            await f.First.SendRawUniStreamAsync(StreamHeader(0x54, 2));
        else
            await f.First.SendRawRequestAsync(StreamHeader(0x41, 3), endStream: false);

        Assert.Equal((ulong)Http3ErrorCode.IdError, await f.First.ServerCloseCodeAsync());
        await f.AssertOthersUnaffectedAsync(sameConnectionAlive: false);
    }

    [Fact]
    public async Task DatagramsForUnknownSession_Dropped_OthersUnaffected()
    {
        await using Fixture f = await Fixture.StartAsync();

        // draft-07 §4.6: datagrams without a session may be dropped; RFC 9297 §2.1: Quarter Stream ID, then payload.
        Assert.True(f.First.ClientSession.SendDatagram(Datagram(100, "nobody's"u8)));
        Assert.True(f.A.Client.SendDatagram("for A"u8));

        Assert.Equal("for A"u8.ToArray(), (await f.A.Server.ReceiveDatagramAsync().WithTimeout()).ToArray());
        await f.AssertOthersUnaffectedAsync();
        Assert.False(f.A.Server.Closed.IsCompleted);
    }

    [Fact]
    public async Task DatagramWithQuarterStreamIdAboveLimit_ClosesConnectionWithDatagramError_OtherConnectionUnaffected()
    {
        await using Fixture f = await Fixture.StartAsync();

        // RFC 9297 §2.1: a Quarter Stream ID above 2^60-1 is an H3_DATAGRAM_ERROR connection error.
        Assert.True(f.First.ClientSession.SendDatagram(Datagram(1UL << 60, "x"u8)));

        Assert.Equal((ulong)Http3ErrorCode.DatagramError, await f.First.ServerCloseCodeAsync());
        await f.AssertOthersUnaffectedAsync(sameConnectionAlive: false);
    }

    private static byte[] Datagram(ulong quarterStreamId, ReadOnlySpan<byte> payload)
    {
        var writer = new ArrayBufferWriter<byte>();
        QuicVarInt.Write(writer, quarterStreamId);
        writer.Write(payload);
        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public async Task StreamsForClosedSession_RejectedWithSessionGone_OthersUnaffected()
    {
        await using Fixture f = await Fixture.StartAsync();
        await f.A.Client.CloseAsync(1, "done").AsTask().WithTimeout();
        await f.A.Server.Closed.WithTimeout();
        ulong sessionOfA = (ulong)f.A.Client.SessionId;

        ITransportSendStream uni = await f.First.SendRawUniStreamAsync(StreamHeader(0x54, sessionOfA, "late"u8));
        ITransportStream bidi = await f.First.SendRawRequestAsync(StreamHeader(0x41, sessionOfA, "late"u8), endStream: false);

        // draft-07 §6: streams of a terminated session are closed with WEBTRANSPORT_SESSION_GONE (not buffered).
        var uniStopped = Assert.IsType<TransportStreamAbortedException>(await uni.WritesClosed.ContinueWith(t => t.Exception?.InnerException).WithTimeout());
        Assert.Equal(WebTransportErrorCodes.SessionGone, uniStopped.ErrorCode);
        var bidiAborted = Assert.IsType<TransportStreamAbortedException>(await bidi.ReadUntilFailureAsync().WithTimeout());
        Assert.Equal(WebTransportErrorCodes.SessionGone, bidiAborted.ErrorCode);
        await f.AssertOthersUnaffectedAsync();
    }

    [Fact]
    public async Task ConnectHeaderSectionAboveAdvertisedMaximum_Gets431_OthersUnaffected()
    {
        await using Fixture f = await Fixture.StartAsync(new Http3ConnectionOptions { MaxFieldSectionSize = 2048 });
        Assert.Equal(2048UL, (await f.First.Client!.PeerSettings.WithTimeout())[Http3SettingId.MaxFieldSectionSize]);

        // RFC 9114 §4.2.2: a header section above SETTINGS_MAX_FIELD_SECTION_SIZE may be answered with 431.
        var ex = await Assert.ThrowsAsync<Http3Exception>(() =>
            f.First.Client!.ConnectWebTransportAsync("relay.test", Path, ["moqt-19"], origin: "https://" + new string('a', 3000) + ".test").AsTask()).WithTimeout();

        Assert.Contains("431", ex.Message, StringComparison.Ordinal);
        await f.AssertOthersUnaffectedAsync();
        await AssertWorksAsync(f.A);
    }

    [Fact]
    public async Task ExtendedConnect_ServerWithoutEnableConnectProtocol_StreamResetWithMessageError_OtherConnectionUnaffected()
    {
        await using Fixture f = await Fixture.StartAsync();
        var settings = new Dictionary<ulong, ulong>(WebTransportSettings.Server());
        settings.Remove(Http3SettingId.EnableConnectProtocol);
        await using Http3TestPair raw = await Http3TestPair.StartAsync(
            new Http3Router().Map(Path, f.Listener.HandleAsync).HandleAsync, rawClient: true,
            serverOptions: new Http3ConnectionOptions { AdditionalSettings = settings });
        await raw.SendRawUniStreamAsync(Http3TestPair.ControlStreamBytes());

        // RFC 9220 §3: :protocol from a client the server never sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 makes the
        // request malformed, a stream error H3_MESSAGE_ERROR (RFC 9114 §4.1.2).
        ITransportStream stream = await raw.SendRawRequestAsync(Http3TestPair.HeadersFrame(
            new(":method", "CONNECT"), new(":protocol", "webtransport"), new(":scheme", "https"),
            new(":authority", "relay.test"), new(":path", Path)), endStream: false);

        var aborted = Assert.IsType<TransportStreamAbortedException>(await stream.ReadUntilFailureAsync().WithTimeout());
        Assert.Equal((ulong)Http3ErrorCode.MessageError, aborted.ErrorCode);
        await f.AssertOthersUnaffectedAsync();
    }

    public static TheoryData<string, ulong> ServerSettingsWebTransportNeeds => new()
    {
        { "SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 9220 §3)", Http3SettingId.EnableConnectProtocol },
        { "SETTINGS_H3_DATAGRAM (draft-07 §3.1, RFC 9297 §2.1.1)", Http3SettingId.H3Datagram },
    };

    [Theory]
    [MemberData(nameof(ServerSettingsWebTransportNeeds))]
    public async Task Client_ServerLacksSetting_RefusesToConnect(string why, ulong missing)
    {
        var settings = new Dictionary<ulong, ulong>(WebTransportSettings.Server());
        settings.Remove(missing);
        await using Http3TestPair pair = await Http3TestPair.StartAsync(
            new Http3Router().HandleAsync,
            serverOptions: new Http3ConnectionOptions { AdditionalSettings = settings },
            clientOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Client() });

        await Assert.ThrowsAsync<Http3Exception>(() => pair.Client!.ConnectWebTransportAsync("relay.test", Path).AsTask()).WithTimeout();
        Assert.False(pair.ClientSession.Closed.IsCompleted, why);
    }

    public static TheoryData<string, ulong[]> ClientSettings => new()
    {
        { "no WebTransport setting (draft-02 §3.1)", [Http3SettingId.H3Datagram] },
        { "no SETTINGS_H3_DATAGRAM (draft-07 §3.1)", [Http3SettingId.EnableWebTransportDraft02] },
    };

    [Theory]
    [MemberData(nameof(ClientSettings))]
    public async Task Server_ClientLacksWebTransportSettings_Refuses400_OthersUnaffected(string why, ulong[] sent)
    {
        await using Fixture f = await Fixture.StartAsync();
        await using Http3TestPair pair = await Http3TestPair.StartAsync(
            new Http3Router().Map(Path, f.Listener.HandleAsync).HandleAsync,
            serverOptions: new Http3ConnectionOptions { AdditionalSettings = WebTransportSettings.Server() },
            clientOptions: new Http3ConnectionOptions { AdditionalSettings = sent.ToDictionary(id => id, _ => 1UL) });

        // The client skips its own checks and sends the extended CONNECT anyway.
        await using Http3ClientResponse response = await pair.Client!.SendRequestAsync(new Http3ClientRequest
        {
            Method = "CONNECT",
            Protocol = "webtransport",
            Authority = "relay.test",
            Path = Path,
            KeepRequestStreamOpen = true,
        }).WithTimeout();

        Assert.True(response.StatusCode == 400, why);
        Assert.False(pair.ClientSession.Closed.IsCompleted);
        await f.AssertOthersUnaffectedAsync();
    }
}
