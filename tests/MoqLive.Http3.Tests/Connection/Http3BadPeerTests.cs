using System.Buffers;
using MoqLive.Http3.Frames;
using MoqLive.Testing;
using MoqLive.Transport;
using MoqLive.Transport.Encoding;

namespace MoqLive.Http3.Tests.Connection;

/// <summary>A raw client that breaks RFC 9114 / RFC 9204 rules; the server must answer with the right code.</summary>
public sealed class Http3BadPeerTests
{
    private static readonly HeaderField[] s_validGet =
        [new(":method", "GET"), new(":scheme", "https"), new(":authority", "relay.test"), new(":path", "/ok")];

    private static Http3RequestHandler Handler => new Http3Router().Map("/ok", async (_, response, ct) =>
        await response.WriteAsync("ok"u8.ToArray(), ct)).HandleAsync;

    private static byte[] Frames(Action<ArrayBufferWriter<byte>> write)
    {
        var writer = new ArrayBufferWriter<byte>();
        write(writer);
        return writer.WrittenSpan.ToArray();
    }

    private static async Task<Http3TestPair> StartRawAsync(bool sendControlStream = true, Http3ConnectionOptions? serverOptions = null)
    {
        Http3TestPair pair = await Http3TestPair.StartAsync(Handler, rawClient: true, serverOptions: serverOptions);
        if (sendControlStream)
            await pair.SendRawUniStreamAsync(Http3TestPair.ControlStreamBytes());
        return pair;
    }

    [Fact]
    public async Task ControlStream_FirstFrameNotSettings_ClosesWithMissingSettings()
    {
        await using Http3TestPair pair = await StartRawAsync(sendControlStream: false);

        await pair.SendRawUniStreamAsync(Frames(w =>
        {
            QuicVarInt.Write(w, 0x00);
            Http3FrameWriter.WriteGoAway(w, 0);
        }));

        Assert.Equal((ulong)Http3ErrorCode.MissingSettings, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task SecondControlStream_ClosesWithStreamCreationError()
    {
        await using Http3TestPair pair = await StartRawAsync();

        await pair.SendRawUniStreamAsync(Http3TestPair.ControlStreamBytes());

        Assert.Equal((ulong)Http3ErrorCode.StreamCreationError, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task ControlStreamClosed_ClosesWithClosedCriticalStream()
    {
        await using Http3TestPair pair = await StartRawAsync(sendControlStream: false);

        await pair.SendRawUniStreamAsync(Http3TestPair.ControlStreamBytes(), endStream: true);

        Assert.Equal((ulong)Http3ErrorCode.ClosedCriticalStream, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task ControlStreamReset_ClosesWithClosedCriticalStream()
    {
        await using Http3TestPair pair = await StartRawAsync(sendControlStream: false);
        ITransportSendStream control = await pair.SendRawUniStreamAsync(Http3TestPair.ControlStreamBytes());
        await pair.Server.PeerSettings.WithTimeout();

        control.Reset(0x99);

        Assert.Equal((ulong)Http3ErrorCode.ClosedCriticalStream, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task SecondSettings_ClosesWithFrameUnexpected()
    {
        await using Http3TestPair pair = await StartRawAsync(sendControlStream: false);

        await pair.SendRawUniStreamAsync(Http3TestPair.ControlStreamBytes(w =>
            Http3FrameWriter.WriteSettings(w, new Dictionary<ulong, ulong>())));

        Assert.Equal((ulong)Http3ErrorCode.FrameUnexpected, await pair.ServerCloseCodeAsync());
    }

    [Theory]
    [InlineData(0x00)] // DATA
    [InlineData(0x01)] // HEADERS
    [InlineData(0x02)] // reserved HTTP/2 PRIORITY
    [InlineData(0x05)] // PUSH_PROMISE
    public async Task ForbiddenFrameOnControlStream_ClosesWithFrameUnexpected(byte type)
    {
        await using Http3TestPair pair = await StartRawAsync(sendControlStream: false);

        await pair.SendRawUniStreamAsync(Http3TestPair.ControlStreamBytes(w => Http3FrameWriter.WriteFrame(w, type, [0, 0])));

        Assert.Equal((ulong)Http3ErrorCode.FrameUnexpected, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task DuplicateSetting_ClosesWithSettingsError()
    {
        await using Http3TestPair pair = await StartRawAsync(sendControlStream: false);

        await pair.SendRawUniStreamAsync([0x00, 0x04, 0x04, 0x06, 0x01, 0x06, 0x02]);

        Assert.Equal((ulong)Http3ErrorCode.SettingsError, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task Http2Setting_ClosesWithSettingsError()
    {
        await using Http3TestPair pair = await StartRawAsync(sendControlStream: false);

        await pair.SendRawUniStreamAsync([0x00, 0x04, 0x02, 0x03, 0x30]); // SETTINGS_MAX_CONCURRENT_STREAMS

        Assert.Equal((ulong)Http3ErrorCode.SettingsError, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task CancelPushForUnknownId_ClosesWithIdError()
    {
        await using Http3TestPair pair = await StartRawAsync(sendControlStream: false);

        await pair.SendRawUniStreamAsync(Http3TestPair.ControlStreamBytes(w => Http3FrameWriter.WriteCancelPush(w, 3)));

        Assert.Equal((ulong)Http3ErrorCode.IdError, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task PushStreamFromClient_ClosesWithStreamCreationError()
    {
        await using Http3TestPair pair = await StartRawAsync();

        await pair.SendRawUniStreamAsync([0x01, 0x00]);

        Assert.Equal((ulong)Http3ErrorCode.StreamCreationError, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task UnknownAndGreaseStreams_AreStoppedAndConnectionContinues()
    {
        await using Http3TestPair pair = await StartRawAsync();

        ITransportSendStream grease = await pair.SendRawUniStreamAsync([0x40, 0x21 + 0x1f, 1, 2, 3]);
        ITransportSendStream unknown = await pair.SendRawUniStreamAsync([0x3f, 9, 9]);
        ITransportStream request = await pair.SendRawRequestAsync(Http3TestPair.HeadersFrame(s_validGet));

        var stopped = await Assert.ThrowsAsync<TransportStreamAbortedException>(() => grease.WritesClosed).WithTimeout();
        Assert.Equal((ulong)Http3ErrorCode.StreamCreationError, stopped.ErrorCode);
        stopped = await Assert.ThrowsAsync<TransportStreamAbortedException>(() => unknown.WritesClosed).WithTimeout();
        Assert.Equal((ulong)Http3ErrorCode.StreamCreationError, stopped.ErrorCode);
        byte[] response = await request.ReadToEndAsync().WithTimeout();
        Assert.NotEmpty(response);
        Assert.False(pair.ServerSession.Closed.IsCompleted);
    }

    [Fact]
    public async Task UniStreamClosedBeforeType_IsTolerated()
    {
        await using Http3TestPair pair = await StartRawAsync();

        await pair.SendRawUniStreamAsync([], endStream: true);
        ITransportStream request = await pair.SendRawRequestAsync(Http3TestPair.HeadersFrame(s_validGet));

        Assert.NotEmpty(await request.ReadToEndAsync().WithTimeout());
        Assert.False(pair.ServerSession.Closed.IsCompleted);
    }

    [Fact]
    public async Task QPackEncoderStream_CapacityZeroAccepted_InsertClosesWithEncoderStreamError()
    {
        await using Http3TestPair pair = await StartRawAsync();
        ITransportSendStream encoder = await pair.SendRawUniStreamAsync([0x02, 0x20]);
        ITransportStream request = await pair.SendRawRequestAsync(Http3TestPair.HeadersFrame(s_validGet));
        Assert.NotEmpty(await request.ReadToEndAsync().WithTimeout());

        await encoder.WriteAsync(new byte[] { 0x43, 0x61, 0x62, 0x63, 0x01, 0x78 }).WithTimeout(); // insert with literal name

        Assert.Equal((ulong)Http3ErrorCode.QPackEncoderStreamError, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task QPackDecoderStreamClosed_ClosesWithClosedCriticalStream()
    {
        await using Http3TestPair pair = await StartRawAsync();

        await pair.SendRawUniStreamAsync([0x03], endStream: true);

        Assert.Equal((ulong)Http3ErrorCode.ClosedCriticalStream, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task SecondQPackEncoderStream_ClosesWithStreamCreationError()
    {
        await using Http3TestPair pair = await StartRawAsync();

        await pair.SendRawUniStreamAsync([0x02]);
        await pair.SendRawUniStreamAsync([0x02]);

        Assert.Equal((ulong)Http3ErrorCode.StreamCreationError, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task HeadersReferencingDynamicTable_ClosesWithDecompressionFailed()
    {
        await using Http3TestPair pair = await StartRawAsync();

        await pair.SendRawRequestAsync(Frames(w => Http3FrameWriter.WriteHeaders(w, [0x02, 0x00, 0x80])));

        Assert.Equal((ulong)Http3ErrorCode.QPackDecompressionFailed, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task DataBeforeHeaders_ClosesWithFrameUnexpected()
    {
        await using Http3TestPair pair = await StartRawAsync();

        await pair.SendRawRequestAsync(Frames(w => Http3FrameWriter.WriteData(w, [1, 2, 3])));

        Assert.Equal((ulong)Http3ErrorCode.FrameUnexpected, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task SettingsOnRequestStream_ClosesWithFrameUnexpected()
    {
        await using Http3TestPair pair = await StartRawAsync();

        await pair.SendRawRequestAsync(Frames(w => Http3FrameWriter.WriteSettings(w, new Dictionary<ulong, ulong>())));

        Assert.Equal((ulong)Http3ErrorCode.FrameUnexpected, await pair.ServerCloseCodeAsync());
    }

    [Fact]
    public async Task TruncatedFrameAtFin_ClosesWithFrameError()
    {
        await using Http3TestPair pair = await StartRawAsync();

        await pair.SendRawRequestAsync([0x01, 0x10, 0x00, 0x00]);

        Assert.Equal((ulong)Http3ErrorCode.FrameError, await pair.ServerCloseCodeAsync());
    }

    public static TheoryData<string, HeaderField[]> MalformedRequests => new()
    {
        { "uppercase name", [.. s_validGet, new("X-Upper", "1")] },
        { "missing :path", [new(":method", "GET"), new(":scheme", "https"), new(":authority", "a")] },
        { "duplicate :method", [new(":method", "GET"), .. s_validGet] },
        { "pseudo after regular", [new(":method", "GET"), new(":scheme", "https"), new("x", "1"), new(":path", "/ok")] },
        { "unknown pseudo", [.. s_validGet[..1], new(":status", "200"), .. s_validGet[1..]] },
        { "connection header", [.. s_validGet, new("connection", "keep-alive")] },
        { "te other than trailers", [.. s_validGet, new("te", "gzip")] },
        { "CONNECT with :path", [new(":method", "CONNECT"), new(":authority", "a"), new(":path", "/")] },
        { ":protocol without setting", [new(":method", "CONNECT"), new(":protocol", "webtransport"), .. s_validGet[1..]] },
        { "value with newline", [.. s_validGet, new("x-bad", "a\nb")] },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task MalformedRequest_StreamResetWithMessageError_OtherRequestsUnaffected(string why, HeaderField[] fields)
    {
        _ = why;
        await using Http3TestPair pair = await StartRawAsync();

        ITransportStream bad = await pair.SendRawRequestAsync(Http3TestPair.HeadersFrame(fields));
        ITransportStream good = await pair.SendRawRequestAsync(Http3TestPair.HeadersFrame(s_validGet));

        var aborted = Assert.IsType<TransportStreamAbortedException>(await bad.ReadUntilFailureAsync().WithTimeout());
        Assert.Equal((ulong)Http3ErrorCode.MessageError, aborted.ErrorCode);
        Assert.NotEmpty(await good.ReadToEndAsync().WithTimeout());
        Assert.False(pair.ServerSession.Closed.IsCompleted);
    }

    [Fact]
    public async Task BodyLongerThanContentLength_StreamResetWithMessageError()
    {
        var router = new Http3Router().Map("/ok", async (request, response, ct) =>
        {
            await request.Body.CopyToAsync(Stream.Null, ct);
            await response.WriteAsync("ok"u8.ToArray(), ct);
        });
        await using Http3TestPair pair = await Http3TestPair.StartAsync(router.HandleAsync, rawClient: true);
        await pair.SendRawUniStreamAsync(Http3TestPair.ControlStreamBytes());

        ITransportStream bad = await pair.SendRawRequestAsync(Frames(w =>
        {
            w.Write(Http3TestPair.HeadersFrame([.. s_validGet, new("content-length", "2")]));
            Http3FrameWriter.WriteData(w, [1, 2, 3]);
        }));

        var aborted = Assert.IsType<TransportStreamAbortedException>(await bad.ReadUntilFailureAsync().WithTimeout());
        Assert.Equal((ulong)Http3ErrorCode.MessageError, aborted.ErrorCode);
    }

    [Fact]
    public async Task StreamEndsBeforeHeaders_StreamResetWithRequestIncomplete()
    {
        await using Http3TestPair pair = await StartRawAsync();

        ITransportStream stream = await pair.SendRawRequestAsync(Frames(w => Http3FrameWriter.WriteFrame(w, 0x21, [7])));

        var aborted = Assert.IsType<TransportStreamAbortedException>(await stream.ReadUntilFailureAsync().WithTimeout());
        Assert.Equal((ulong)Http3ErrorCode.RequestIncomplete, aborted.ErrorCode);
    }

    [Fact]
    public async Task HeaderSectionTooLarge_Gets431()
    {
        await using Http3TestPair pair = await StartRawAsync(serverOptions: new Http3ConnectionOptions { MaxFieldSectionSize = 1024 });

        ITransportStream stream = await pair.SendRawRequestAsync(Http3TestPair.HeadersFrame([.. s_validGet, new("x-big", new string('a', 2000))]));
        byte[] response = await stream.ReadToEndAsync().WithTimeout();

        var sequence = new ReadOnlySequence<byte>(response);
        Assert.True(Http3FrameReader.TryReadFrame(ref sequence, 4096, out Http3Frame headers));
        List<HeaderField> fields = new MoqLive.Http3.QPack.QPackDecoder(4096).Decode(headers.Payload);
        Assert.Equal(new HeaderField(":status", "431"), fields[0]);
    }
}
