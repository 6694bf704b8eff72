using System.Buffers;
using MoqLive.Http3.Frames;
using MoqLive.Http3.QPack;
using MoqLive.Testing;
using MoqLive.Transport;
using MoqLive.Transport.Encoding;
using MoqLive.Transport.InMemory;

namespace MoqLive.Http3.Tests.Connection;

/// <summary>An HTTP/3 server connection over the in-memory pair, with a client connection or a raw client session.</summary>
internal sealed class Http3TestPair : IAsyncDisposable
{
    private Http3TestPair(InMemorySession clientSession, InMemorySession serverSession, Http3Connection server, Http3Connection? client)
    {
        ClientSession = clientSession;
        ServerSession = serverSession;
        Server = server;
        Client = client;
    }

    public InMemorySession ClientSession { get; }

    public InMemorySession ServerSession { get; }

    public Http3Connection Server { get; }

    /// <summary>The client connection; null for a raw peer.</summary>
    public Http3Connection? Client { get; }

    public static async Task<Http3TestPair> StartAsync(
        Http3RequestHandler handler,
        bool rawClient = false,
        Http3ConnectionOptions? serverOptions = null,
        Http3ConnectionOptions? clientOptions = null,
        InMemorySessionOptions? transportOptions = null)
    {
        (InMemorySession clientSession, InMemorySession serverSession) = InMemorySessionPair.Create(transportOptions);
        Http3Connection server = Http3Connection.CreateServer(serverSession, handler, serverOptions);
        await server.StartAsync().WithTimeout();
        Http3Connection? client = null;
        if (!rawClient)
        {
            client = Http3Connection.CreateClient(clientSession, clientOptions);
            await client.StartAsync().WithTimeout();
        }

        return new Http3TestPair(clientSession, serverSession, server, client);
    }

    /// <summary>Opens a raw unidirectional stream from the client and writes <paramref name="bytes"/>.</summary>
    public async Task<ITransportSendStream> SendRawUniStreamAsync(byte[] bytes, bool endStream = false)
    {
        ITransportSendStream stream = await ClientSession.OpenUnidirectionalStreamAsync().WithTimeout();
        await stream.WriteAsync(bytes, endStream).WithTimeout();
        return stream;
    }

    /// <summary>A valid client control stream: type 0x00 then SETTINGS, then <paramref name="moreFrames"/>.</summary>
    public static byte[] ControlStreamBytes(Action<ArrayBufferWriter<byte>>? moreFrames = null)
    {
        var writer = new ArrayBufferWriter<byte>();
        QuicVarInt.Write(writer, 0x00);
        Http3FrameWriter.WriteSettings(writer, new Dictionary<ulong, ulong> { [Http3SettingId.MaxFieldSectionSize] = 16384 });
        moreFrames?.Invoke(writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>A HEADERS frame for <paramref name="fields"/> (any fields, valid or not).</summary>
    public static byte[] HeadersFrame(params HeaderField[] fields)
    {
        var section = new ArrayBufferWriter<byte>();
        QPackEncoder.Encode(fields, section);
        var frame = new ArrayBufferWriter<byte>();
        Http3FrameWriter.WriteHeaders(frame, section.WrittenSpan);
        return frame.WrittenSpan.ToArray();
    }

    /// <summary>Opens a raw request stream and writes <paramref name="bytes"/>.</summary>
    public async Task<ITransportStream> SendRawRequestAsync(byte[] bytes, bool endStream = true)
    {
        ITransportStream stream = await ClientSession.OpenBidirectionalStreamAsync().WithTimeout();
        await stream.WriteAsync(bytes, endStream).WithTimeout();
        return stream;
    }

    /// <summary>Waits for the server to close the session and returns the code it used.</summary>
    public async Task<ulong> ServerCloseCodeAsync()
    {
        TransportCloseInfo info = await ClientSession.Closed.WithTimeout();
        Assert.True(info.ClosedByPeer);
        return info.ErrorCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is not null)
            await Client.DisposeAsync().AsTask().WithTimeout();
        await Server.DisposeAsync().AsTask().WithTimeout();
        await ClientSession.DisposeAsync();
        await ServerSession.DisposeAsync();
    }
}
