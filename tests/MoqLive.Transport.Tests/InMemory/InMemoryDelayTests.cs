using Microsoft.Extensions.Time.Testing;
using MoqLive.Testing;
using MoqLive.Transport.InMemory;

namespace MoqLive.Transport.Tests.InMemory;

/// <summary>The simulated one-way delay, driven by a <see cref="FakeTimeProvider"/>.</summary>
public sealed class InMemoryDelayTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);
    private readonly FakeTimeProvider _time = new();

    private (InMemorySession Client, InMemorySession Server) CreatePair(int window = 64 * 1024) =>
        InMemorySessionPair.Create(new InMemorySessionOptions
        {
            OneWayDelay = Delay,
            TimeProvider = _time,
            StreamReceiveWindow = window,
        });

    [Fact]
    public async Task OpenAndWrite_BeforeDelay_PeerSeesNothingThenEverything()
    {
        (InMemorySession client, InMemorySession server) = CreatePair();
        await using var _ = client;
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("hi"u8.ToArray(), endStream: true).WithTimeout();
        Task<ITransportReceiveStream> accept = server.AcceptUnidirectionalStreamAsync().AsTask();

        _time.Advance(Delay - TimeSpan.FromMilliseconds(1));
        await accept.AssertPendingAsync();
        Assert.False(send.WritesClosed.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        ITransportReceiveStream receive = await accept.WithTimeout();
        Assert.Equal("hi"u8.ToArray(), await receive.ReadToEndAsync().WithTimeout());
        await send.WritesClosed.WithTimeout();
    }

    [Fact]
    public async Task FlowControl_CreditReturnsAfterOneWayDelay()
    {
        (InMemorySession client, InMemorySession server) = CreatePair(window: 4);
        await using var _ = client;
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        Task write = send.WriteAsync("abcdefgh"u8.ToArray()).AsTask();
        _time.Advance(Delay);
        ITransportReceiveStream receive = await server.AcceptUnidirectionalStreamAsync().WithTimeout();

        Assert.Equal("abcd"u8.ToArray(), await receive.ReadExactlyAsync(4).WithTimeout());
        await write.AssertPendingAsync();
        _time.Advance(Delay); // MAX_STREAM_DATA reaches the writer, which sends the rest
        await write.WithTimeout();
        Task<byte[]> rest = receive.ReadExactlyAsync(4);
        await rest.AssertPendingAsync();
        _time.Advance(Delay);

        Assert.Equal("efgh"u8.ToArray(), await rest.WithTimeout());
    }

    [Fact]
    public async Task Stop_ReachesWriterAfterDelay()
    {
        (InMemorySession client, InMemorySession server) = CreatePair();
        await using var _ = client;
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("x"u8.ToArray()).WithTimeout();
        _time.Advance(Delay);
        ITransportReceiveStream receive = await server.AcceptUnidirectionalStreamAsync().WithTimeout();

        receive.Stop(5);
        await send.WriteAsync("still allowed"u8.ToArray()).WithTimeout();
        _time.Advance(Delay);

        var ex = await Assert.ThrowsAsync<TransportStreamAbortedException>(() => send.WritesClosed.WithTimeout());
        Assert.Equal(5UL, ex.ErrorCode);
    }

    [Fact]
    public async Task Reset_ArrivesAfterDataSentBeforeIt()
    {
        (InMemorySession client, InMemorySession server) = CreatePair();
        await using var _ = client;
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("data"u8.ToArray()).WithTimeout();
        _time.Advance(Delay);
        ITransportReceiveStream receive = await server.AcceptUnidirectionalStreamAsync().WithTimeout();

        send.Reset(8);

        Assert.Equal("data"u8.ToArray(), await receive.ReadExactlyAsync(4).WithTimeout());
        Task<int> read = receive.ReadAsync(new byte[4]).AsTask();
        await read.AssertPendingAsync();
        _time.Advance(Delay);
        Assert.Equal(8UL, (await Assert.ThrowsAsync<TransportStreamAbortedException>(() => read.WithTimeout())).ErrorCode);
    }

    [Fact]
    public async Task Datagram_DeliveredAfterDelay_InFlightCountsAgainstCapacity()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions
        {
            OneWayDelay = Delay,
            TimeProvider = _time,
            DatagramQueueCapacity = 2,
        });
        await using var _ = client;

        Assert.True(client.SendDatagram("1"u8));
        Assert.True(client.SendDatagram("2"u8));
        Assert.False(client.SendDatagram("3"u8));
        Task<ReadOnlyMemory<byte>> receive = server.ReceiveDatagramAsync().AsTask();
        await receive.AssertPendingAsync();
        _time.Advance(Delay);

        Assert.Equal("1"u8.ToArray(), (await receive.WithTimeout()).ToArray());
        Assert.Equal("2"u8.ToArray(), (await server.ReceiveDatagramAsync().WithTimeout()).ToArray());
    }

    [Fact]
    public async Task Close_PeerLearnsAfterDelay_DataSentBeforeCloseArrivesFirst()
    {
        (InMemorySession client, InMemorySession server) = CreatePair();
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("last words"u8.ToArray(), endStream: true).WithTimeout();

        await client.CloseAsync(3, "bye").WithTimeout();

        Assert.False((await client.Closed.WithTimeout()).ClosedByPeer);
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => send.WritesClosed.WithTimeout());
        await server.Closed.AssertPendingAsync();
        _time.Advance(Delay);
        TransportCloseInfo info = await server.Closed.WithTimeout();
        Assert.True(info.ClosedByPeer);
        Assert.Equal("bye", info.Reason);
        Assert.Equal(0, client.LiveStreamCount);
    }

    [Fact]
    public async Task Close_BothSidesBeforeEitherArrives_EachKeepsItsOwn()
    {
        (InMemorySession client, InMemorySession server) = CreatePair();

        await client.CloseAsync(1, "client").WithTimeout();
        await server.CloseAsync(2, "server").WithTimeout();
        _time.Advance(Delay);

        Assert.Equal(new TransportCloseInfo(1, "client", false), await client.Closed.WithTimeout());
        Assert.Equal(new TransportCloseInfo(2, "server", false), await server.Closed.WithTimeout());
    }

    [Fact]
    public async Task StreamCredit_ReturnsAfterDelay()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions
        {
            OneWayDelay = Delay,
            TimeProvider = _time,
            MaxBidirectionalStreams = 1,
        });
        await using var _ = client;
        ITransportStream local = await client.OpenBidirectionalStreamAsync().WithTimeout();
        await local.CompleteWritesAsync().WithTimeout();
        Task<ITransportStream> next = client.OpenBidirectionalStreamAsync().AsTask();
        _time.Advance(Delay);
        ITransportStream remote = await server.AcceptBidirectionalStreamAsync().WithTimeout();
        await remote.ReadToEndAsync().WithTimeout();
        await remote.CompleteWritesAsync().WithTimeout();
        _time.Advance(Delay);
        await local.ReadToEndAsync().WithTimeout();

        await next.AssertPendingAsync();
        _time.Advance(Delay); // MAX_STREAMS from the server

        Assert.Equal(4L, (await next.WithTimeout()).Id);
    }
}
