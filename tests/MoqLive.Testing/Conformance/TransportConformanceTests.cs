using MoqLive.Transport;
using Xunit;

namespace MoqLive.Testing.Conformance;

/// <summary>
/// The behaviour every <see cref="ITransportSession"/> implementation must show (DESIGN.md: one conformance suite
/// for raw QUIC, WebTransport and the in-memory pair). Subclass it in the implementation's test project and
/// implement <see cref="CreateConnectedPairAsync"/>; every test disposes the pair it creates.
/// </summary>
/// <remarks>
/// Tests are virtual so an implementation with a documented limitation can override one with
/// <c>[Fact(Skip = "why")]</c>. They assume a reliable link (loopback is fine) for datagrams, and a peer learns
/// of a new stream only once data or FIN arrives on it, so every test writes before it accepts.
/// </remarks>
public abstract class TransportConformanceTests
{
    private const ulong ResetCode = 0x2a;
    private const ulong StopCode = 0x17;

    /// <summary>Creates two connected, established sessions honouring <paramref name="options"/>.</summary>
    protected abstract Task<TransportSessionPair> CreateConnectedPairAsync(TransportPairOptions options);

    protected Task<TransportSessionPair> CreatePairAsync(TransportPairOptions? options = null) =>
        CreateConnectedPairAsync(options ?? new TransportPairOptions()).WithTimeout();

    private static ITransportSession Opener(TransportSessionPair pair, bool fromClient) => fromClient ? pair.Client : pair.Server;

    private static ITransportSession Acceptor(TransportSessionPair pair, bool fromClient) => fromClient ? pair.Server : pair.Client;

    [Fact]
    public virtual async Task Protocol_BothSessions_ReportNegotiatedProtocol()
    {
        await using TransportSessionPair pair = await CreatePairAsync(new TransportPairOptions { Protocol = "moqt-19" });

        Assert.Equal("moqt-19", pair.Client.Protocol);
        Assert.Equal("moqt-19", pair.Server.Protocol);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public virtual async Task BidirectionalStream_EitherSideOpens_DataFlowsBothWays(bool fromClient)
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSession opener = Opener(pair, fromClient);
        ITransportSession acceptor = Acceptor(pair, fromClient);

        ITransportStream local = await opener.OpenBidirectionalStreamAsync().WithTimeout();
        await local.WriteAsync("ping"u8.ToArray(), endStream: true).WithTimeout();
        ITransportStream remote = await acceptor.AcceptBidirectionalStreamAsync().WithTimeout();
        Assert.Equal("ping"u8.ToArray(), await remote.ReadToEndAsync().WithTimeout());
        await remote.WriteAsync("pong"u8.ToArray(), endStream: true).WithTimeout();

        Assert.Equal("pong"u8.ToArray(), await local.ReadToEndAsync().WithTimeout());
        Assert.Equal(local.Id, remote.Id);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public virtual async Task UnidirectionalStream_EitherSideOpens_DataDelivered(bool fromClient)
    {
        await using TransportSessionPair pair = await CreatePairAsync();

        ITransportSendStream send = await Opener(pair, fromClient).OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("hello"u8.ToArray(), endStream: true).WithTimeout();
        ITransportReceiveStream receive = await Acceptor(pair, fromClient).AcceptUnidirectionalStreamAsync().WithTimeout();

        Assert.Equal("hello"u8.ToArray(), await receive.ReadToEndAsync().WithTimeout());
        Assert.Equal(send.Id, receive.Id);
    }

    [Fact]
    public virtual async Task WriteSharedAsync_PrefixAndSharedPayload_DeliveredInOrderAndReferenceReleased()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        byte[] bytes = new byte[10_000];
        new Random(7).NextBytes(bytes);
        var payload = new CountingSharedBuffer(bytes);

        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteSharedAsync("head"u8.ToArray(), payload).WithTimeout();
        await send.WriteSharedAsync("tail"u8.ToArray(), payload, endStream: true).WithTimeout();
        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();

        byte[] expected = [.. "head"u8, .. bytes, .. "tail"u8, .. bytes];
        Assert.Equal(expected, await receive.ReadToEndAsync().WithTimeout());
        // Once delivered (and, where the transport holds a reference, acknowledged) only the caller's reference is left.
        await send.WritesClosed.WithTimeout();
        Assert.Equal(1, payload.RefCount);
    }

    [Fact]
    public virtual async Task StreamIds_FollowQuicNumbering_TypeAndInitiatorBits()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        var ids = new HashSet<long>();

        // RFC 9000 §2.1: 0x0 client bidi, 0x1 server bidi, 0x2 client uni, 0x3 server uni.
        foreach ((ITransportSession session, bool bidirectional, long expectedType) in new[]
        {
            (pair.Client, true, 0L), (pair.Server, true, 1L), (pair.Client, false, 2L), (pair.Server, false, 3L),
        })
        {
            for (int i = 0; i < 3; i++)
            {
                long id = bidirectional
                    ? (await session.OpenBidirectionalStreamAsync().WithTimeout()).Id
                    : (await session.OpenUnidirectionalStreamAsync().WithTimeout()).Id;
                Assert.Equal(expectedType, id & 0x3);
                Assert.True(ids.Add(id), $"Stream ID {id} was handed out twice.");
            }
        }
    }

    [Fact]
    public virtual async Task Write_OneMegabyteInRandomChunks_ReceivedByteExact()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        var random = new Random(1234);
        byte[] payload = new byte[1024 * 1024];
        random.NextBytes(payload);

        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        Task writer = Task.Run(async () =>
        {
            int offset = 0;
            while (offset < payload.Length)
            {
                int count = Math.Min(random.Next(1, 40_000), payload.Length - offset);
                await send.WriteAsync(payload.AsMemory(offset, count));
                offset += count;
            }

            await send.CompleteWritesAsync();
        });
        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();

        var received = new List<byte>(payload.Length);
        var readRandom = new Random(5678);
        while (true)
        {
            byte[] buffer = new byte[readRandom.Next(1, 50_000)];
            int read = await receive.ReadAsync(buffer).WithTimeout();
            if (read == 0)
                break;
            received.AddRange(buffer.AsSpan(0, read));
        }

        await writer.WithTimeout(TestTimeouts.Long);
        Assert.Equal(payload.Length, received.Count);
        Assert.True(payload.AsSpan().SequenceEqual(received.ToArray()), "The received bytes differ from the sent bytes.");
    }

    [Fact]
    public virtual async Task Fin_AfterData_ReaderSeesEndAndBothSidesComplete()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("abc"u8.ToArray()).WithTimeout();
        await send.CompleteWritesAsync().WithTimeout();
        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();

        Assert.Equal("abc"u8.ToArray(), await receive.ReadExactlyAsync(3).WithTimeout());
        Assert.Equal(0, await receive.ReadAsync(new byte[8]).WithTimeout());
        Assert.Equal(0, await receive.ReadAsync(new byte[8]).WithTimeout());
        await receive.ReadsClosed.WithTimeout();
        await send.WritesClosed.WithTimeout();
    }

    [Fact]
    public virtual async Task Fin_WithoutData_AcceptedStreamReadsEnd()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.CompleteWritesAsync().WithTimeout();

        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();

        Assert.Empty(await receive.ReadToEndAsync().WithTimeout());
    }

    [Fact]
    public virtual async Task Write_AfterFin_Throws()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("x"u8.ToArray(), endStream: true).WithTimeout();

        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => send.WriteAsync("y"u8.ToArray()).WithTimeout());
    }

    [Fact]
    public virtual async Task ManyConcurrentStreams_BothKinds_AllDeliveredIntact()
    {
        const int streamsPerKind = 40;
        await using TransportSessionPair pair = await CreatePairAsync();

        Task uniAcceptor = Task.Run(async () =>
        {
            var readers = new List<Task>();
            for (int i = 0; i < streamsPerKind; i++)
            {
                ITransportReceiveStream stream = await pair.Server.AcceptUnidirectionalStreamAsync();
                readers.Add(Task.Run(async () =>
                {
                    byte[] data = await stream.ReadToEndAsync();
                    Assert.Equal(Payload(stream.Id), data);
                }));
            }

            await Task.WhenAll(readers);
        });
        Task bidiEcho = Task.Run(async () =>
        {
            var echoes = new List<Task>();
            for (int i = 0; i < streamsPerKind; i++)
            {
                ITransportStream stream = await pair.Server.AcceptBidirectionalStreamAsync();
                echoes.Add(Task.Run(async () =>
                {
                    byte[] data = await stream.ReadToEndAsync();
                    await stream.WriteAsync(data, endStream: true);
                }));
            }

            await Task.WhenAll(echoes);
        });

        Task[] senders = Enumerable.Range(0, streamsPerKind).SelectMany(_ => new[]
        {
            Task.Run(async () =>
            {
                ITransportSendStream stream = await pair.Client.OpenUnidirectionalStreamAsync();
                await stream.WriteAsync(Payload(stream.Id), endStream: true);
            }),
            Task.Run(async () =>
            {
                ITransportStream stream = await pair.Client.OpenBidirectionalStreamAsync();
                await stream.WriteAsync(Payload(stream.Id), endStream: true);
                Assert.Equal(Payload(stream.Id), await stream.ReadToEndAsync());
            }),
        }).ToArray();

        await Task.WhenAll(senders).WithTimeout(TestTimeouts.Long);
        await uniAcceptor.WithTimeout(TestTimeouts.Long);
        await bidiEcho.WithTimeout(TestTimeouts.Long);

        static byte[] Payload(long id)
        {
            byte[] data = new byte[1000 + (int)(id % 97) * 100];
            new Random((int)id).NextBytes(data);
            return data;
        }
    }

    [Fact]
    public virtual async Task OpenBidirectional_LimitReached_WaitsUntilAStreamFinishes()
    {
        await using TransportSessionPair pair = await CreatePairAsync(new TransportPairOptions { MaxBidirectionalStreams = 2 });
        var open = new List<ITransportStream>();
        for (int i = 0; i < 2; i++)
        {
            ITransportStream stream = await pair.Client.OpenBidirectionalStreamAsync().WithTimeout();
            await stream.WriteAsync(new byte[] { (byte)i }).WithTimeout();
            open.Add(stream);
        }

        Task<ITransportStream> third = pair.Client.OpenBidirectionalStreamAsync().AsTask();
        await third.AssertPendingAsync();

        // Finish the first stream in both directions; the peer then returns its credit (MAX_STREAMS).
        ITransportStream accepted = await pair.Server.AcceptBidirectionalStreamAsync().WithTimeout();
        await open[0].CompleteWritesAsync().WithTimeout();
        Assert.Equal(new byte[] { 0 }, await accepted.ReadToEndAsync().WithTimeout());
        await accepted.WriteAsync("done"u8.ToArray(), endStream: true).WithTimeout();
        Assert.Equal("done"u8.ToArray(), await open[0].ReadToEndAsync().WithTimeout());

        ITransportStream thirdStream = await third.WithTimeout();
        await thirdStream.WriteAsync("3"u8.ToArray(), endStream: true).WithTimeout();
    }

    [Fact]
    public virtual async Task OpenUnidirectional_LimitReached_WaitsUntilAStreamFinishes()
    {
        await using TransportSessionPair pair = await CreatePairAsync(new TransportPairOptions { MaxUnidirectionalStreams = 2 });
        var open = new List<ITransportSendStream>();
        for (int i = 0; i < 2; i++)
        {
            ITransportSendStream stream = await pair.Server.OpenUnidirectionalStreamAsync().WithTimeout();
            await stream.WriteAsync(new byte[] { (byte)i }).WithTimeout();
            open.Add(stream);
        }

        Task<ITransportSendStream> third = pair.Server.OpenUnidirectionalStreamAsync().AsTask();
        await third.AssertPendingAsync();

        // Accept order across streams is not promised (WebTransport dispatches a stream once its header is read),
        // so finish whichever stream was accepted first, identified by its first byte.
        ITransportReceiveStream accepted = await pair.Client.AcceptUnidirectionalStreamAsync().WithTimeout();
        byte[] index = await accepted.ReadExactlyAsync(1).WithTimeout();
        await open[index[0]].CompleteWritesAsync().WithTimeout();
        Assert.Empty(await accepted.ReadToEndAsync().WithTimeout());

        ITransportSendStream thirdStream = await third.WithTimeout();
        await thirdStream.WriteAsync("3"u8.ToArray(), endStream: true).WithTimeout();
    }

    [Fact]
    public virtual async Task Reset_BySender_ReaderSeesCode()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("partial"u8.ToArray()).WithTimeout();
        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();

        send.Reset(ResetCode);
        send.Reset(ResetCode + 1); // idempotent: the first code wins

        Exception? failure = await receive.ReadUntilFailureAsync().WithTimeout();
        var aborted = Assert.IsType<TransportStreamAbortedException>(failure);
        Assert.Equal(ResetCode, aborted.ErrorCode);
        Assert.False(aborted.PeerStoppedSending);
        var closed = await Assert.ThrowsAsync<TransportStreamAbortedException>(() => receive.ReadsClosed.WithTimeout());
        Assert.Equal(ResetCode, closed.ErrorCode);
        await send.WritesClosed.WithTimeout();
    }

    [Fact]
    public virtual async Task Reset_OnBidirectionalStream_OtherDirectionStillWorks()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportStream local = await pair.Client.OpenBidirectionalStreamAsync().WithTimeout();
        await local.WriteAsync("x"u8.ToArray()).WithTimeout();
        ITransportStream remote = await pair.Server.AcceptBidirectionalStreamAsync().WithTimeout();

        local.Reset(ResetCode);
        await remote.WriteAsync("reply"u8.ToArray(), endStream: true).WithTimeout();

        Assert.IsType<TransportStreamAbortedException>(await remote.ReadUntilFailureAsync().WithTimeout());
        Assert.Equal("reply"u8.ToArray(), await local.ReadToEndAsync().WithTimeout());
    }

    [Fact]
    public virtual async Task Stop_ByReader_WriterSeesCodeAndLaterWritesFail()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("x"u8.ToArray()).WithTimeout();
        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();

        receive.Stop(StopCode);
        receive.Stop(StopCode + 1); // idempotent

        var closed = await Assert.ThrowsAsync<TransportStreamAbortedException>(() => send.WritesClosed.WithTimeout());
        Assert.Equal(StopCode, closed.ErrorCode);
        Assert.True(closed.PeerStoppedSending);
        var write = await Assert.ThrowsAsync<TransportStreamAbortedException>(() => send.WriteAsync("y"u8.ToArray()).WithTimeout());
        Assert.Equal(StopCode, write.ErrorCode);
        Assert.True(write.PeerStoppedSending);
        await receive.ReadsClosed.WithTimeout();
    }

    [Fact]
    public virtual async Task Stop_WhileWriterBlocked_PendingWriteFails()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("x"u8.ToArray()).WithTimeout();
        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();

        // Far more than any sane flow-control window, so the write is still pending when STOP_SENDING arrives.
        Task write = send.WriteAsync(new byte[64 * 1024 * 1024]).AsTask();
        receive.Stop(StopCode);

        var aborted = await Assert.ThrowsAsync<TransportStreamAbortedException>(() => write.WithTimeout(TestTimeouts.Long));
        Assert.Equal(StopCode, aborted.ErrorCode);
        Assert.True(aborted.PeerStoppedSending);
    }

    [Fact]
    public virtual async Task Priority_Set_ReadsBack()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        Assert.Equal(StreamPriority.Default, send.Priority);

        send.Priority = new StreamPriority(3, 42);

        Assert.Equal(new StreamPriority(3, 42), send.Priority);
        await send.WriteAsync("x"u8.ToArray(), endStream: true).WithTimeout();
    }

    [Fact]
    public virtual async Task Datagram_RoundTrip_BothDirections()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        Assert.True(pair.Client.MaxDatagramSize > 0);
        Assert.True(pair.Server.MaxDatagramSize > 0);

        Assert.True(pair.Client.SendDatagram("to server"u8));
        Assert.Equal("to server"u8.ToArray(), (await pair.Server.ReceiveDatagramAsync().WithTimeout()).ToArray());
        Assert.True(pair.Server.SendDatagram("to client"u8));
        Assert.Equal("to client"u8.ToArray(), (await pair.Client.ReceiveDatagramAsync().WithTimeout()).ToArray());
    }

    [Fact]
    public virtual async Task Datagram_AtMaxSize_DeliveredAndOneMoreByteThrows()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        int max = pair.Client.MaxDatagramSize;
        byte[] payload = new byte[max];
        new Random(7).NextBytes(payload);

        Assert.Throws<ArgumentOutOfRangeException>(() => pair.Client.SendDatagram(new byte[max + 1]));
        Assert.True(pair.Client.SendDatagram(payload));
        Assert.Equal(payload, (await pair.Server.ReceiveDatagramAsync().WithTimeout()).ToArray());
    }

    [Fact]
    public virtual async Task Close_WithCodeAndReason_BothSidesObserveIt()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        Assert.False(pair.Client.Closed.IsCompleted);
        Assert.False(pair.Server.Closed.IsCompleted);

        await pair.Client.CloseAsync(0x99, "going away").WithTimeout();

        TransportCloseInfo atServer = await pair.Server.Closed.WithTimeout();
        Assert.Null(atServer.TransportError);
        Assert.Equal(0x99UL, atServer.ErrorCode);
        Assert.Equal("going away", atServer.Reason);
        Assert.True(atServer.ClosedByPeer);
        TransportCloseInfo atClient = await pair.Client.Closed.WithTimeout();
        Assert.Equal(0x99UL, atClient.ErrorCode);
        Assert.Equal("going away", atClient.Reason);
        Assert.False(atClient.ClosedByPeer);
    }

    [Fact]
    public virtual async Task Close_Twice_FirstCloseWins()
    {
        await using TransportSessionPair pair = await CreatePairAsync();

        await pair.Server.CloseAsync(1, "first").WithTimeout();
        await pair.Server.CloseAsync(2, "second").WithTimeout();

        TransportCloseInfo info = await pair.Server.Closed.WithTimeout();
        Assert.Equal(1UL, info.ErrorCode);
        Assert.Equal("first", info.Reason);
        Assert.Equal(1UL, (await pair.Client.Closed.WithTimeout()).ErrorCode);
    }

    [Fact]
    public virtual async Task Close_PendingOperationsOnBothSides_FailWithSessionClosed()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportStream clientStream = await pair.Client.OpenBidirectionalStreamAsync().WithTimeout();
        await clientStream.WriteAsync("x"u8.ToArray()).WithTimeout();
        ITransportStream serverStream = await pair.Server.AcceptBidirectionalStreamAsync().WithTimeout();
        Assert.Equal("x"u8.ToArray(), await serverStream.ReadExactlyAsync(1).WithTimeout());

        Task serverAccept = pair.Server.AcceptUnidirectionalStreamAsync().AsTask();
        Task serverAcceptBidi = pair.Server.AcceptBidirectionalStreamAsync().AsTask();
        Task clientAccept = pair.Client.AcceptBidirectionalStreamAsync().AsTask();
        Task serverRead = serverStream.ReadAsync(new byte[16]).AsTask();
        Task clientRead = clientStream.ReadAsync(new byte[16]).AsTask();
        Task serverDatagram = pair.Server.ReceiveDatagramAsync().AsTask();
        await serverRead.AssertPendingAsync();

        await pair.Client.CloseAsync(7, "bye").WithTimeout();

        foreach (Task pending in new[] { serverAccept, serverAcceptBidi, clientAccept, serverRead, clientRead, serverDatagram })
            await Assert.ThrowsAsync<TransportSessionClosedException>(() => pending.WithTimeout());
        var atServer = await Assert.ThrowsAsync<TransportSessionClosedException>(() => serverStream.ReadAsync(new byte[1]).WithTimeout());
        Assert.Equal(7UL, atServer.CloseInfo.ErrorCode);
        Assert.True(atServer.CloseInfo.ClosedByPeer);
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => clientStream.WritesClosed.WithTimeout());
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => serverStream.ReadsClosed.WithTimeout());
    }

    [Fact]
    public virtual async Task Close_OperationsAfterClose_FailWithSessionClosed()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("x"u8.ToArray()).WithTimeout();
        await pair.Client.CloseAsync(3, "done").WithTimeout();
        await pair.Server.Closed.WithTimeout();

        await Assert.ThrowsAsync<TransportSessionClosedException>(() => pair.Client.OpenBidirectionalStreamAsync().WithTimeout());
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => pair.Client.OpenUnidirectionalStreamAsync().WithTimeout());
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => pair.Server.OpenBidirectionalStreamAsync().WithTimeout());
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout());
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => send.WriteAsync("y"u8.ToArray()).WithTimeout());
        Assert.Throws<TransportSessionClosedException>(() => pair.Client.SendDatagram("d"u8));
        Assert.Throws<TransportSessionClosedException>(() => pair.Server.SendDatagram("d"u8));
        send.Reset(1); // no-op, must not throw
    }

    [Fact]
    public virtual async Task Close_PendingOpenAtStreamLimit_FailsWithSessionClosed()
    {
        await using TransportSessionPair pair = await CreatePairAsync(new TransportPairOptions { MaxUnidirectionalStreams = 1 });
        ITransportSendStream first = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await first.WriteAsync("x"u8.ToArray()).WithTimeout();
        Task second = pair.Client.OpenUnidirectionalStreamAsync().AsTask();
        await second.AssertPendingAsync();

        await pair.Server.CloseAsync(5, "limit").WithTimeout();

        await Assert.ThrowsAsync<TransportSessionClosedException>(() => second.WithTimeout());
    }

    [Fact]
    public virtual async Task Accept_Canceled_ThrowsAndSessionStillAccepts()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        using var cts = new CancellationTokenSource();
        Task accept = pair.Server.AcceptUnidirectionalStreamAsync(cts.Token).AsTask();
        await accept.AssertPendingAsync();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accept.WithTimeout());
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("after"u8.ToArray(), endStream: true).WithTimeout();
        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();
        Assert.Equal("after"u8.ToArray(), await receive.ReadToEndAsync().WithTimeout());
    }

    [Fact]
    public virtual async Task Read_Canceled_ThrowsOperationCanceled()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("x"u8.ToArray()).WithTimeout();
        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();
        Assert.Equal("x"u8.ToArray(), await receive.ReadExactlyAsync(1).WithTimeout());
        using var cts = new CancellationTokenSource();
        Task read = receive.ReadAsync(new byte[8], cts.Token).AsTask();
        await read.AssertPendingAsync();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WithTimeout());
        await send.WriteAsync("after"u8.ToArray(), endStream: true).WithTimeout();
        Assert.Equal("after"u8.ToArray(), await receive.ReadToEndAsync().WithTimeout());
    }

    [Fact]
    public virtual async Task Read_EmptyBuffer_WaitsForDataThenReturnsZero()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("a"u8.ToArray()).WithTimeout();
        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();
        Assert.Equal("a"u8.ToArray(), await receive.ReadExactlyAsync(1).WithTimeout());

        Task<int> zeroByteRead = receive.ReadAsync(Memory<byte>.Empty).AsTask();
        await zeroByteRead.AssertPendingAsync();
        await send.WriteAsync("z"u8.ToArray()).WithTimeout();

        Assert.Equal(0, await zeroByteRead.WithTimeout());
        Assert.Equal("z"u8.ToArray(), await receive.ReadExactlyAsync(1).WithTimeout());
    }

    [Fact]
    public virtual async Task Read_AfterStop_ThrowsInvalidOperation()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("a"u8.ToArray()).WithTimeout();
        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();

        receive.Stop(StopCode);

        await Assert.ThrowsAsync<InvalidOperationException>(() => receive.ReadAsync(new byte[1]).WithTimeout());
        await receive.ReadsClosed.WithTimeout();
    }

    [Fact]
    public virtual async Task CompleteWrites_Twice_IsIdempotent()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("a"u8.ToArray()).WithTimeout();

        await send.CompleteWritesAsync().WithTimeout();
        await send.CompleteWritesAsync().WithTimeout();

        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();
        Assert.Equal("a"u8.ToArray(), await receive.ReadToEndAsync().WithTimeout());
    }

    [Fact]
    public virtual async Task ReceiveDatagram_Canceled_ThrowsOperationCanceled()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        using var cts = new CancellationTokenSource();
        Task receive = pair.Client.ReceiveDatagramAsync(cts.Token).AsTask();
        await receive.AssertPendingAsync();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive.WithTimeout());
    }

    [Fact]
    public virtual async Task Operations_WithCanceledToken_ThrowOperationCanceled()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pair.Server.AcceptBidirectionalStreamAsync(cts.Token).WithTimeout());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pair.Client.OpenBidirectionalStreamAsync(cts.Token).WithTimeout());
    }

    [Fact]
    public virtual async Task Dispose_OpenSession_PeerSeesClose()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        Task pendingAccept = pair.Server.AcceptBidirectionalStreamAsync().AsTask();

        await pair.Client.DisposeAsync().WithTimeout();

        TransportCloseInfo info = await pair.Server.Closed.WithTimeout();
        Assert.True(info.ClosedByPeer);
        Assert.False((await pair.Client.Closed.WithTimeout()).ClosedByPeer);
        await Assert.ThrowsAsync<TransportSessionClosedException>(() => pendingAccept.WithTimeout());
        await pair.Client.DisposeAsync().WithTimeout(); // idempotent
    }

    [Fact]
    public virtual async Task Dispose_AfterClose_KeepsCloseInfo()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        await pair.Server.CloseAsync(0x10, "bye").WithTimeout();

        await pair.Server.DisposeAsync().WithTimeout();

        Assert.Equal(0x10UL, (await pair.Client.Closed.WithTimeout()).ErrorCode);
        Assert.Equal(0x10UL, (await pair.Server.Closed.WithTimeout()).ErrorCode);
    }

    [Fact]
    public virtual async Task DisposeStream_UnfinishedSendSide_PeerSeesReset()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("partial"u8.ToArray()).WithTimeout();
        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();

        await send.DisposeAsync().WithTimeout();

        Assert.IsType<TransportStreamAbortedException>(await receive.ReadUntilFailureAsync().WithTimeout());
    }

    [Fact]
    public virtual async Task DisposeStream_AfterFin_PeerReadsEverything()
    {
        await using TransportSessionPair pair = await CreatePairAsync();
        ITransportSendStream send = await pair.Client.OpenUnidirectionalStreamAsync().WithTimeout();
        await send.WriteAsync("complete"u8.ToArray(), endStream: true).WithTimeout();

        await send.DisposeAsync().WithTimeout();

        ITransportReceiveStream receive = await pair.Server.AcceptUnidirectionalStreamAsync().WithTimeout();
        Assert.Equal("complete"u8.ToArray(), await receive.ReadToEndAsync().WithTimeout());
    }
}
