using MoqLive.Testing;
using MoqLive.Transport.InMemory;

namespace MoqLive.Transport.Tests.InMemory;

public sealed class InMemorySessionPairTests
{
    [Fact]
    public async Task OpenStreams_EachKind_UsesQuicStreamIdSequence()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create();
        await using var _ = client;

        long[] clientBidi = [(await client.OpenBidirectionalStreamAsync()).Id, (await client.OpenBidirectionalStreamAsync()).Id, (await client.OpenBidirectionalStreamAsync()).Id];
        long[] serverBidi = [(await server.OpenBidirectionalStreamAsync()).Id, (await server.OpenBidirectionalStreamAsync()).Id];
        long[] clientUni = [(await client.OpenUnidirectionalStreamAsync()).Id, (await client.OpenUnidirectionalStreamAsync()).Id];
        long[] serverUni = [(await server.OpenUnidirectionalStreamAsync()).Id, (await server.OpenUnidirectionalStreamAsync()).Id];

        Assert.Equal([0L, 4L, 8L], clientBidi);
        Assert.Equal([1L, 5L], serverBidi);
        Assert.Equal([2L, 6L], clientUni);
        Assert.Equal([3L, 7L], serverUni);
        Assert.True(client.IsClient);
        Assert.False(server.IsClient);
    }

    [Fact]
    public async Task Open_StreamAnnouncedToPeer_BeforeAnyData()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create();
        await using var _ = client;

        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();

        ITransportReceiveStream receive = await server.AcceptUnidirectionalStreamAsync().WithTimeout();
        Assert.Equal(send.Id, receive.Id);
    }

    [Fact]
    public async Task Write_ReaderNotReading_WaitsForWindowThenCompletes()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { StreamReceiveWindow = 16 });
        await using var _ = client;
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        ITransportReceiveStream receive = await server.AcceptUnidirectionalStreamAsync().WithTimeout();
        byte[] payload = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();

        Task write = send.WriteAsync(payload, endStream: true).AsTask();
        await write.AssertPendingAsync();
        byte[] first = await receive.ReadExactlyAsync(16).WithTimeout();
        byte[] rest = await receive.ReadToEndAsync().WithTimeout();
        await write.WithTimeout();

        Assert.Equal(payload, first.Concat(rest).ToArray());
    }

    [Fact]
    public async Task Write_WindowFull_WriteCanceledAndStreamStillUsable()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { StreamReceiveWindow = 4 });
        await using var _ = client;
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        ITransportReceiveStream receive = await server.AcceptUnidirectionalStreamAsync().WithTimeout();
        using var cts = new CancellationTokenSource();

        Task write = send.WriteAsync("abcdefgh"u8.ToArray(), cancellationToken: cts.Token).AsTask();
        await write.AssertPendingAsync();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WithTimeout());

        // The prefix that fit in the window was delivered; nothing after it.
        Assert.Equal("abcd"u8.ToArray(), await receive.ReadExactlyAsync(4).WithTimeout());
        await send.WriteAsync("!"u8.ToArray(), endStream: true).WithTimeout();
        Assert.Equal("!"u8.ToArray(), await receive.ReadToEndAsync().WithTimeout());
    }

    [Fact]
    public async Task Reset_WithUnreadData_FirstReadThrowsAndDataIsDropped()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create();
        await using var _ = client;
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("unread"u8.ToArray()).WithTimeout();
        ITransportReceiveStream receive = await server.AcceptUnidirectionalStreamAsync().WithTimeout();

        send.Reset(9);

        var ex = await Assert.ThrowsAsync<TransportStreamAbortedException>(() => receive.ReadAsync(new byte[16]).WithTimeout());
        Assert.Equal(9UL, ex.ErrorCode);
        Assert.Equal(0, client.LiveStreamCount);
    }

    [Fact]
    public async Task Reset_AfterFin_IsNoOpAndReaderGetsAllData()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create();
        await using var _ = client;
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("all"u8.ToArray(), endStream: true).WithTimeout();

        send.Reset(9);

        ITransportReceiveStream receive = await server.AcceptUnidirectionalStreamAsync().WithTimeout();
        Assert.Equal("all"u8.ToArray(), await receive.ReadToEndAsync().WithTimeout());
    }

    [Fact]
    public async Task WritesClosed_AfterFin_CompletesBeforePeerReads()
    {
        (InMemorySession client, InMemorySession _) = InMemorySessionPair.Create();
        await using var __ = client;
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();

        await send.WriteAsync("buffered"u8.ToArray(), endStream: true).WithTimeout();

        await send.WritesClosed.WithTimeout();
    }

    [Theory]
    [InlineData("reset")]
    [InlineData("stop")]
    [InlineData("fin")]
    [InlineData("dispose")]
    public async Task StreamLimit_CreditReturned_WhenStreamEndsAnyWay(string how)
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { MaxUnidirectionalStreams = 1 });
        await using var _ = client;
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        ITransportReceiveStream receive = await server.AcceptUnidirectionalStreamAsync().WithTimeout();
        Task<ITransportSendStream> next = client.OpenUnidirectionalStreamAsync().AsTask();
        await next.AssertPendingAsync();

        switch (how)
        {
            case "reset":
                send.Reset(1);
                break;
            case "stop":
                receive.Stop(1);
                break;
            case "fin":
                await send.CompleteWritesAsync().WithTimeout();
                break;
            case "dispose":
                await receive.DisposeAsync().WithTimeout();
                break;
        }

        Assert.Equal(2L + 4, (await next.WithTimeout()).Id);
    }

    [Fact]
    public async Task StreamLimit_FinishedButNotAccepted_KeepsCreditUntilAccepted()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { MaxUnidirectionalStreams = 1 });
        await using var _ = client;
        ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
        send.Reset(1);
        Task<ITransportSendStream> next = client.OpenUnidirectionalStreamAsync().AsTask();
        await next.AssertPendingAsync();

        ITransportReceiveStream accepted = await server.AcceptUnidirectionalStreamAsync().WithTimeout();

        await Assert.ThrowsAsync<TransportStreamAbortedException>(() => accepted.ReadAsync(new byte[1]).WithTimeout());
        await next.WithTimeout();
    }

    [Fact]
    public async Task StreamLimit_BidirectionalHalfClosed_KeepsCreditUntilBothDirectionsEnd()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { MaxBidirectionalStreams = 1 });
        await using var _ = client;
        ITransportStream local = await client.OpenBidirectionalStreamAsync().WithTimeout();
        ITransportStream remote = await server.AcceptBidirectionalStreamAsync().WithTimeout();
        Task<ITransportStream> next = client.OpenBidirectionalStreamAsync().AsTask();

        await local.CompleteWritesAsync().WithTimeout();
        await next.AssertPendingAsync();
        await remote.CompleteWritesAsync().WithTimeout();

        Assert.Equal(4L, (await next.WithTimeout()).Id);
    }

    [Fact]
    public async Task ManyStreams_AllFinished_NoStreamStateRetained()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { MaxBidirectionalStreams = 4 });
        await using var _ = client;

        for (int i = 0; i < 200; i++)
        {
            ITransportStream local = await client.OpenBidirectionalStreamAsync().WithTimeout();
            await local.WriteAsync("q"u8.ToArray(), endStream: true).WithTimeout();
            ITransportStream remote = await server.AcceptBidirectionalStreamAsync().WithTimeout();
            await remote.ReadToEndAsync().WithTimeout();
            await remote.WriteAsync("a"u8.ToArray(), endStream: true).WithTimeout();
            await local.ReadToEndAsync().WithTimeout();
        }

        Assert.Equal(0, client.LiveStreamCount);
    }

    [Fact]
    public async Task SendDatagram_ReceiverQueueFull_ReturnsFalse()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { DatagramQueueCapacity = 2 });
        await using var _ = client;

        Assert.True(client.SendDatagram("1"u8));
        Assert.True(client.SendDatagram("2"u8));
        Assert.False(client.SendDatagram("3"u8));

        Assert.Equal("1"u8.ToArray(), (await server.ReceiveDatagramAsync().WithTimeout()).ToArray());
        Assert.True(client.SendDatagram("4"u8));
        Assert.Equal("2"u8.ToArray(), (await server.ReceiveDatagramAsync().WithTimeout()).ToArray());
        Assert.Equal("4"u8.ToArray(), (await server.ReceiveDatagramAsync().WithTimeout()).ToArray());
    }

    [Fact]
    public async Task SendDatagram_CallerBufferReused_ReceiverKeepsOriginal()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create();
        await using var _ = client;
        byte[] buffer = "abc"u8.ToArray();

        client.SendDatagram(buffer);
        buffer[0] = (byte)'x';

        Assert.Equal("abc"u8.ToArray(), (await server.ReceiveDatagramAsync().WithTimeout()).ToArray());
    }

    [Fact]
    public async Task SendDatagram_DatagramsDisabled_Throws()
    {
        (InMemorySession client, InMemorySession _) = InMemorySessionPair.Create(new InMemorySessionOptions { MaxDatagramSize = 0 });
        await using var __ = client;

        Assert.Equal(0, client.MaxDatagramSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.SendDatagram(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public async Task Options_MaxDatagramSizeAndProtocol_Reported()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { MaxDatagramSize = 500, Protocol = "test-proto" });
        await using var _ = client;

        Assert.Equal(500, server.MaxDatagramSize);
        Assert.Equal("test-proto", client.Protocol);
        Assert.Null(InMemorySessionPair.Create().Client.Protocol);
    }

    [Theory]
    [InlineData(0, 1, 1, 1)]
    [InlineData(1, 0, 1, 1)]
    [InlineData(1, 1, 0, 1)]
    [InlineData(1, 1, 1, 0)]
    public void Create_InvalidOptions_Throws(int bidi, int uni, int window, int datagramQueue)
    {
        var options = new InMemorySessionOptions
        {
            MaxBidirectionalStreams = bidi,
            MaxUnidirectionalStreams = uni,
            StreamReceiveWindow = window,
            DatagramQueueCapacity = datagramQueue,
        };

        Assert.Throws<ArgumentOutOfRangeException>(() => InMemorySessionPair.Create(options));
    }

    [Fact]
    public async Task Close_ConcurrentWritersAndReaders_AllEndWithSessionClosed()
    {
        (InMemorySession client, InMemorySession server) = InMemorySessionPair.Create(new InMemorySessionOptions { StreamReceiveWindow = 8 });
        var pending = new List<Task>();
        for (int i = 0; i < 10; i++)
        {
            // A writer stuck on flow control: 1000 bytes into a window of 8 whose reader takes only the first byte.
            ITransportSendStream send = await client.OpenUnidirectionalStreamAsync().WithTimeout();
            ITransportReceiveStream receive = await server.AcceptUnidirectionalStreamAsync().WithTimeout();
            pending.Add(send.WriteAsync(new byte[1000]).AsTask());
            await receive.ReadExactlyAsync(1).WithTimeout();

            // A reader waiting for bytes that never come (its stream got one byte, already read).
            ITransportSendStream quiet = await client.OpenUnidirectionalStreamAsync().WithTimeout();
            await quiet.WriteAsync(new byte[1]).WithTimeout();
            ITransportReceiveStream waiting = await server.AcceptUnidirectionalStreamAsync().WithTimeout();
            await waiting.ReadExactlyAsync(1).WithTimeout();
            pending.Add(Task.Run(async () =>
            {
                while (true)
                    await waiting.ReadAsync(new byte[3]);
            }));
        }

        await server.CloseAsync(4, "shutdown").WithTimeout();

        foreach (Task task in pending)
            await Assert.ThrowsAsync<TransportSessionClosedException>(() => task.WithTimeout());
        Assert.Equal(0, client.LiveStreamCount);
    }
}
