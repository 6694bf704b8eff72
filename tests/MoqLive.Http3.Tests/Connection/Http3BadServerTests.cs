using System.Buffers;
using MoqLive.Http3.Frames;
using MoqLive.Testing;
using MoqLive.Transport;
using MoqLive.Transport.InMemory;

namespace MoqLive.Http3.Tests.Connection;

/// <summary>An HTTP/3 client against a raw server that breaks the rules.</summary>
public sealed class Http3BadServerTests
{
    private static async Task<(Http3Connection Client, InMemorySession Server)> StartAsync(byte[] serverControlStream)
    {
        (InMemorySession clientSession, InMemorySession serverSession) = InMemorySessionPair.Create();
        Http3Connection client = Http3Connection.CreateClient(clientSession);
        await client.StartAsync().WithTimeout();
        ITransportSendStream control = await serverSession.OpenUnidirectionalStreamAsync().WithTimeout();
        await control.WriteAsync(serverControlStream).WithTimeout();
        return (client, serverSession);
    }

    private static Http3ClientRequest Get => new() { Authority = "relay.test", Path = "/" };

    [Fact]
    public async Task ResponseWithoutStatus_ThrowsMessageError()
    {
        (Http3Connection client, InMemorySession server) = await StartAsync(Http3TestPair.ControlStreamBytes());
        await using (client)
        {
            Task<Http3ClientResponse> request = client.SendRequestAsync(Get).AsTask();
            ITransportStream stream = await server.AcceptBidirectionalStreamAsync().WithTimeout();
            await stream.WriteAsync(Http3TestPair.HeadersFrame(new HeaderField("content-type", "text/plain")), endStream: true).WithTimeout();

            var ex = await Assert.ThrowsAsync<Http3Exception>(() => request).WithTimeout();

            Assert.Equal(Http3ErrorCode.MessageError, ex.ErrorCode);
        }
    }

    [Fact]
    public async Task InterimResponse_IsSkipped()
    {
        (Http3Connection client, InMemorySession server) = await StartAsync(Http3TestPair.ControlStreamBytes());
        await using (client)
        {
            Task<Http3ClientResponse> request = client.SendRequestAsync(Get).AsTask();
            ITransportStream stream = await server.AcceptBidirectionalStreamAsync().WithTimeout();
            var writer = new ArrayBufferWriter<byte>();
            writer.Write(Http3TestPair.HeadersFrame(new HeaderField(":status", "103"), new HeaderField("link", "</a>")));
            writer.Write(Http3TestPair.HeadersFrame(new HeaderField(":status", "204")));
            await stream.WriteAsync(writer.WrittenMemory, endStream: true).WithTimeout();

            await using Http3ClientResponse response = await request.WithTimeout();

            Assert.Equal(204, response.StatusCode);
        }
    }

    [Fact]
    public async Task GoAwayWithNonRequestStreamId_ClosesWithIdError()
    {
        (Http3Connection client, InMemorySession server) = await StartAsync(
            Http3TestPair.ControlStreamBytes(w => Http3FrameWriter.WriteGoAway(w, 3)));
        await using (client)
        {
            TransportCloseInfo closed = await server.Closed.WithTimeout();

            Assert.Equal((ulong)Http3ErrorCode.IdError, closed.ErrorCode);
        }
    }

    [Fact]
    public async Task GoAwayIncreasingId_ClosesWithIdError()
    {
        (InMemorySession clientSession, InMemorySession server) = InMemorySessionPair.Create();
        await using Http3Connection client = Http3Connection.CreateClient(clientSession);
        await client.StartAsync().WithTimeout();
        ITransportSendStream control = await server.OpenUnidirectionalStreamAsync().WithTimeout();
        await control.WriteAsync(Http3TestPair.ControlStreamBytes()).WithTimeout();

        // A request in flight keeps the client from closing on the first GOAWAY.
        Task<Http3ClientResponse> request = client.SendRequestAsync(Get).AsTask();
        await server.AcceptBidirectionalStreamAsync().WithTimeout();
        var writer = new ArrayBufferWriter<byte>();
        Http3FrameWriter.WriteGoAway(writer, 4);
        Http3FrameWriter.WriteGoAway(writer, 8);
        await control.WriteAsync(writer.WrittenMemory).WithTimeout();

        TransportCloseInfo closed = await server.Closed.WithTimeout();
        Assert.Equal((ulong)Http3ErrorCode.IdError, closed.ErrorCode);
        await Assert.ThrowsAsync<Http3Exception>(() => request).WithTimeout();
    }

    [Fact]
    public async Task MaxPushIdFromServer_ClosesWithFrameUnexpected()
    {
        (Http3Connection client, InMemorySession server) = await StartAsync(
            Http3TestPair.ControlStreamBytes(w => Http3FrameWriter.WriteMaxPushId(w, 1)));
        await using (client)
        {
            TransportCloseInfo closed = await server.Closed.WithTimeout();

            Assert.Equal((ulong)Http3ErrorCode.FrameUnexpected, closed.ErrorCode);
        }
    }

    [Fact]
    public async Task PushStreamWithoutMaxPushId_ClosesWithIdError()
    {
        (Http3Connection client, InMemorySession server) = await StartAsync(Http3TestPair.ControlStreamBytes());
        await using (client)
        {
            ITransportSendStream push = await server.OpenUnidirectionalStreamAsync().WithTimeout();
            await push.WriteAsync(new byte[] { 0x01, 0x00 }).WithTimeout();

            TransportCloseInfo closed = await server.Closed.WithTimeout();

            Assert.Equal((ulong)Http3ErrorCode.IdError, closed.ErrorCode);
        }
    }

    [Fact]
    public async Task PushPromiseOnRequestStream_ClosesWithIdError()
    {
        (Http3Connection client, InMemorySession server) = await StartAsync(Http3TestPair.ControlStreamBytes());
        await using (client)
        {
            Task<Http3ClientResponse> request = client.SendRequestAsync(Get).AsTask();
            ITransportStream stream = await server.AcceptBidirectionalStreamAsync().WithTimeout();
            var writer = new ArrayBufferWriter<byte>();
            Http3FrameWriter.WritePushPromise(writer, 0, [0, 0, 0xC1]);
            await stream.WriteAsync(writer.WrittenMemory).WithTimeout();

            var ex = await Assert.ThrowsAsync<Http3Exception>(() => request).WithTimeout();

            Assert.Equal(Http3ErrorCode.IdError, ex.ErrorCode);
        }
    }

    [Fact]
    public async Task ServerResetsRequest_ClientSeesCode()
    {
        (Http3Connection client, InMemorySession server) = await StartAsync(Http3TestPair.ControlStreamBytes());
        await using (client)
        {
            Task<Http3ClientResponse> request = client.SendRequestAsync(Get).AsTask();
            ITransportStream stream = await server.AcceptBidirectionalStreamAsync().WithTimeout();
            stream.Reset((ulong)Http3ErrorCode.RequestRejected);

            var ex = await Assert.ThrowsAsync<Http3Exception>(() => request).WithTimeout();

            Assert.Equal(Http3ErrorCode.RequestRejected, ex.ErrorCode);
        }
    }
}
