using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session;
using MoqLive.Moqt.Wire;
using FullTrackName = MoqLive.Moqt.Model.FullTrackName;
using TrackNamespace = MoqLive.Moqt.Model.TrackNamespace;
using MoqLive.Testing;
using MoqLive.Transport;
using MoqLive.Transport.InMemory;

namespace MoqLive.Moqt.Tests.Session;

/// <summary>A connected client/server session pair over the in-memory transport.</summary>
internal sealed class SessionPair : IAsyncDisposable
{
    private SessionPair(InMemorySession clientTransport, InMemorySession serverTransport, MoqtSession client, MoqtSession server)
    {
        ClientTransport = clientTransport;
        ServerTransport = serverTransport;
        Client = client;
        Server = server;
    }

    public InMemorySession ClientTransport { get; }

    public InMemorySession ServerTransport { get; }

    public MoqtSession Client { get; }

    public MoqtSession Server { get; }

    public static async Task<SessionPair> CreateAsync(MoqtVersion version, MoqtSessionOptions? client = null, MoqtSessionOptions? server = null)
    {
        (InMemorySession clientTransport, InMemorySession serverTransport) =
            InMemorySessionPair.Create(new InMemorySessionOptions { Protocol = version.GetAlpn() });
        Task<MoqtSession> connect = MoqtSession.ConnectAsync(clientTransport, client);
        Task<MoqtSession> accept = MoqtSession.AcceptAsync(serverTransport, server);
        await Task.WhenAll(connect, accept).WithTimeout();
        return new SessionPair(clientTransport, serverTransport, await connect, await accept);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>An application publisher: serves SUBSCRIBE, FETCH, TRACK_STATUS and SUBSCRIBE_NAMESPACE from its own tracks.</summary>
internal sealed class TestPublisher : IPublisher
{
    private readonly Dictionary<FullTrackName, TrackProducer> _tracks = [];

    public NamespaceProducer? Namespaces { get; set; }

    public SubscribeOptions? LastSubscribeOptions { get; private set; }

    /// <summary>Lag bound of the consumers handed to subscribers (default: large enough never to skip).</summary>
    public int MaxLagGroups { get; init; } = 1000;

    /// <summary>Clock of the tracks (objects are stamped with it when written).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public TrackProducer AddTrack(FullTrackName name, byte publisherPriority = TrackInfo.DefaultPublisherPriority, MoqtProperties? trackProperties = null)
    {
        var producer = new TrackProducer(new TrackInfo(name, publisherPriority, Properties: trackProperties),
            TrackProducerOptions.Default with { MaxGroups = 100, TimeProvider = TimeProvider });
        lock (_tracks)
            _tracks[name] = producer;
        return producer;
    }

    private TrackProducer? Find(FullTrackName name)
    {
        lock (_tracks)
            return _tracks.GetValueOrDefault(name);
    }

    public ValueTask<SubscribeResult> SubscribeAsync(FullTrackName track, SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        LastSubscribeOptions = options;
        TrackProducer? producer = Find(track);
        if (producer is null)
            return ValueTask.FromResult(SubscribeResult.Error(RequestErrorCode.DoesNotExist, "no such track"));
        TrackConsumer consumer = producer.Subscribe(new TrackConsumerOptions { Start = (options ?? SubscribeOptions.Default).Start, MaxLagGroups = MaxLagGroups });
        return ValueTask.FromResult(SubscribeResult.Ok(consumer));
    }

    public ValueTask<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default)
    {
        TrackProducer? producer = Find(request.Track);
        if (producer is null)
            return ValueTask.FromResult(FetchResult.Error(RequestErrorCode.DoesNotExist, "no such track"));
        if (!request.TryResolveRange(out MoqLive.Moqt.Model.Location start, out MoqLive.Moqt.Model.Location end))
            return ValueTask.FromResult(FetchResult.Error(RequestErrorCode.InvalidRange, "nothing published"));
        return ValueTask.FromResult(producer.Fetch(start, end, request.GroupOrder));
    }

    public ValueTask<TrackStatusResult> TrackStatusAsync(FullTrackName track, CancellationToken cancellationToken = default)
    {
        TrackProducer? producer = Find(track);
        return ValueTask.FromResult(producer is null
            ? TrackStatusResult.Error(RequestErrorCode.DoesNotExist, "no such track")
            : TrackStatusResult.Ok(new TrackStatusOk(producer.Info, producer.LargestLocation)));
    }

    public ValueTask<SubscribeNamespaceResult> SubscribeNamespaceAsync(TrackNamespace prefix, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Namespaces is { } producer && producer.Prefix.Equals(prefix)
            ? SubscribeNamespaceResult.Ok(producer.Consumer)
            : SubscribeNamespaceResult.Error(RequestErrorCode.DoesNotExist, "no namespaces under that prefix"));
}

/// <summary>An application subscriber: records PUBLISH_NAMESPACE and PUBLISH.</summary>
internal sealed class TestSubscriber : ISubscriber
{
    public TaskCompletionSource<(TrackNamespace Namespace, IPublisher Publisher)> Announced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Withdrawn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<TrackConsumer> Published { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RequestErrorCode? Refuse { get; set; }

    public ValueTask<PublishNamespaceResult> PublishNamespaceAsync(TrackNamespace trackNamespace, IPublisher publisher, CancellationToken cancellationToken = default)
    {
        if (Refuse is { } code)
            return ValueTask.FromResult(PublishNamespaceResult.Error(code, "refused"));
        Announced.TrySetResult((trackNamespace, publisher));
        return ValueTask.FromResult(PublishNamespaceResult.Ok(new Withdrawal(Withdrawn)));
    }

    public ValueTask<PublishResult> PublishAsync(TrackConsumer track, PublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Refuse is { } code)
            return ValueTask.FromResult(PublishResult.Error(code, "refused"));
        Published.TrySetResult(track);
        return ValueTask.FromResult(PublishResult.Ok(new PublishOk()));
    }

    private sealed class Withdrawal(TaskCompletionSource done) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            done.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}

internal static class TrackTestExtensions
{
    /// <summary>Reads the first subgroup of the next group until it ends: (objects, how it ended).</summary>
    public static async Task<(List<(ulong ObjectId, string Payload)> Objects, ObjectReadStatus End, GroupConsumer Group)> ReadSubgroupAsync(this TrackConsumer track)
    {
        TrackReadResult next = await track.NextGroupAsync().AsTask().WithTimeout();
        Assert.False(next.IsEnd, $"track ended: {next.End}");
        SubgroupConsumer? subgroup = await next.Group!.NextSubgroupAsync().AsTask().WithTimeout();
        Assert.NotNull(subgroup);
        var objects = new List<(ulong, string)>();
        while (true)
        {
            ObjectReadResult read = await subgroup.ReadObjectAsync().AsTask().WithTimeout();
            if (read.Status != ObjectReadStatus.Object)
                return (objects, read.Status, next.Group);
            objects.Add((read.Object!.ObjectId, System.Text.Encoding.UTF8.GetString(read.Object.Payload.Span)));
            read.Object.Release();
        }
    }

    /// <summary>Reads <paramref name="count"/> datagram objects of the next group.</summary>
    public static async Task<List<(ulong ObjectId, string Payload)>> ReadDatagramsAsync(this TrackConsumer track, int count)
    {
        TrackReadResult next = await track.NextGroupAsync().AsTask().WithTimeout();
        Assert.False(next.IsEnd, $"track ended: {next.End}");
        SubgroupConsumer? subgroup = await next.Group!.NextSubgroupAsync().AsTask().WithTimeout();
        Assert.NotNull(subgroup);
        Assert.True(subgroup.IsDatagram);
        var objects = new List<(ulong, string)>();
        while (objects.Count < count)
        {
            ObjectReadResult read = await subgroup.ReadObjectAsync().AsTask().WithTimeout();
            Assert.Equal(ObjectReadStatus.Object, read.Status);
            objects.Add((read.Object!.ObjectId, System.Text.Encoding.UTF8.GetString(read.Object.Payload.Span)));
            read.Object.Release();
        }

        return objects;
    }

    public static MoqtPayload Text(string text) => MoqtPayload.Wrap(System.Text.Encoding.UTF8.GetBytes(text));
}

/// <summary>A transport whose data streams never report delivery (WritesClosed stays pending), as when the FIN is lost; it records each finished data stream.</summary>
internal sealed class UnacknowledgedTransport(InMemorySession inner) : ITransportSession
{
    private int _opened;

    public System.Collections.Concurrent.ConcurrentBag<UnacknowledgedStream> Finished { get; } = [];

    public string? Protocol => inner.Protocol;

    public int MaxDatagramSize => inner.MaxDatagramSize;

    public Task<TransportCloseInfo> Closed => inner.Closed;

    public ValueTask<ITransportStream> OpenBidirectionalStreamAsync(CancellationToken cancellationToken = default) => inner.OpenBidirectionalStreamAsync(cancellationToken);

    public async ValueTask<ITransportSendStream> OpenUnidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        ITransportSendStream stream = await inner.OpenUnidirectionalStreamAsync(cancellationToken);
        // The first one is the control stream; the others carry subgroups.
        return Interlocked.Increment(ref _opened) == 1 ? stream : new UnacknowledgedStream(stream, Finished);
    }

    public ValueTask<ITransportStream> AcceptBidirectionalStreamAsync(CancellationToken cancellationToken = default) => inner.AcceptBidirectionalStreamAsync(cancellationToken);

    public ValueTask<ITransportReceiveStream> AcceptUnidirectionalStreamAsync(CancellationToken cancellationToken = default) =>
        inner.AcceptUnidirectionalStreamAsync(cancellationToken);

    public bool SendDatagram(ReadOnlySpan<byte> payload) => inner.SendDatagram(payload);

    public ValueTask<ReadOnlyMemory<byte>> ReceiveDatagramAsync(CancellationToken cancellationToken = default) => inner.ReceiveDatagramAsync(cancellationToken);

    public ValueTask CloseAsync(ulong errorCode, string reason, CancellationToken cancellationToken = default) => inner.CloseAsync(errorCode, reason, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

internal sealed class UnacknowledgedStream(ITransportSendStream inner, System.Collections.Concurrent.ConcurrentBag<UnacknowledgedStream> finished) : ITransportSendStream
{
    private readonly TaskCompletionSource _writesClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _resetCode = -1;

    public ulong? ResetCode => Interlocked.Read(ref _resetCode) is var code and >= 0 ? (ulong)code : null;

    public long Id => inner.Id;

    public StreamPriority Priority
    {
        get => inner.Priority;
        set => inner.Priority = value;
    }

    public Task WritesClosed => _writesClosed.Task;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, bool endStream = false, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(data, endStream, cancellationToken);

    public async ValueTask CompleteWritesAsync(CancellationToken cancellationToken = default)
    {
        await inner.CompleteWritesAsync(cancellationToken);
        finished.Add(this);
    }

    public void Reset(ulong errorCode)
    {
        Interlocked.CompareExchange(ref _resetCode, (long)errorCode, -1);
        _writesClosed.TrySetResult();
        inner.Reset(errorCode);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
