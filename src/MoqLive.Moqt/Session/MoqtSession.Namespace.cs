using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session.Internal;
using MoqLive.Transport;
using W = MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Session;

public sealed partial class MoqtSession
{
    private readonly List<(TrackNamespace Namespace, IPublisher Publisher, object Token)> _namespaceHandlers = [];
    private readonly List<NamespaceProducer> _namespaceSubscriptions = [];

    /// <summary>The local publisher for a track under <paramref name="trackNamespace"/>: the longest PUBLISH_NAMESPACE prefix we announced, else the default.</summary>
    private IPublisher? ResolvePublisher(TrackNamespace trackNamespace)
    {
        lock (_namespaceHandlers)
        {
            IPublisher? best = null;
            int bestCount = -1;
            foreach ((TrackNamespace ns, IPublisher publisher, _) in _namespaceHandlers)
            {
                if (ns.Count > bestCount && ns.IsPrefixOf(trackNamespace))
                {
                    best = publisher;
                    bestCount = ns.Count;
                }
            }

            return best ?? _options.Publisher;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Announces <paramref name="trackNamespace"/> to the peer; the peer's SUBSCRIBE, FETCH and TRACK_STATUS for
    /// tracks under it go to <paramref name="publisher"/>. Disposing the registration cancels the request, which
    /// withdraws the namespace.
    /// </remarks>
    public async ValueTask<PublishNamespaceResult> PublishNamespaceAsync(TrackNamespace trackNamespace, IPublisher publisher, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trackNamespace);
        ArgumentNullException.ThrowIfNull(publisher);
        var token = new object();
        lock (_namespaceHandlers)
            _namespaceHandlers.Add((trackNamespace, publisher, token));
        void Unregister()
        {
            lock (_namespaceHandlers)
                _namespaceHandlers.RemoveAll(h => ReferenceEquals(h.Token, token));
        }

        RequestStream stream;
        W.MoqtControlMessage? response;
        try
        {
            stream = await OpenRequestAsync(new W.PublishNamespace(NextRequestId(), trackNamespace.ToWire()), cancellationToken).ConfigureAwait(false);
            response = await ReadResponseAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Unregister();
            throw;
        }

        switch (response)
        {
            case W.RequestOk:
                Spawn(async () =>
                {
                    try
                    {
                        while (await stream.ReadAsync(SessionToken).ConfigureAwait(false) is not null)
                        {
                        }
                    }
                    catch (TransportStreamAbortedException)
                    {
                        Unregister();
                    }
                });
                return PublishNamespaceResult.Ok(new Registration(() =>
                {
                    Unregister();
                    stream.Cancel(StreamResetCode.Cancelled);
                }));
            case W.RequestError error:
                Unregister();
                await FinishQuietlyAsync(stream).ConfigureAwait(false);
                return PublishNamespaceResult.Error(error.ErrorCode, error.ErrorReason, WireMapping.ToRetryInterval(error.RetryInterval));
            case null:
                Unregister();
                return PublishNamespaceResult.Error(RequestErrorCode.InternalError, "the peer closed the request stream");
            default:
                Unregister();
                throw await UnexpectedAsync(response, "PUBLISH_NAMESPACE").ConfigureAwait(false);
        }
    }

    private async Task ServePublishNamespaceAsync(RequestStream stream, W.PublishNamespace request)
    {
        ISubscriber? handler = _options.Subscriber;
        if (handler is null)
        {
            await RejectAsync(stream, RequestErrorCode.NotSupported, "this endpoint does not accept namespaces").ConfigureAwait(false);
            return;
        }

        PublishNamespaceResult result = await AskHandlerAsync("PUBLISH_NAMESPACE", () => handler.PublishNamespaceAsync(request.TrackNamespace.ToModel(), this, SessionToken),
            () => PublishNamespaceResult.Error(RequestErrorCode.InternalError, "the subscriber failed")).ConfigureAwait(false);

        if (!result.IsOk)
        {
            await RejectAsync(stream, result).ConfigureAwait(false);
            return;
        }

        await using IAsyncDisposable registration = result.Value!;
        await stream.WriteAsync(new W.RequestOk()).ConfigureAwait(false);
        try
        {
            // The namespace stays published until the publisher cancels the request or the session ends.
            while (await stream.ReadAsync(SessionToken).ConfigureAwait(false) is { } message)
            {
                if (message is not (W.RequestUpdate or W.GoAway))
                    throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, $"unexpected {message.Type} on a PUBLISH_NAMESPACE stream");
                if (message is W.RequestUpdate update)
                {
                    AcceptPeerRequestId(update.RequestId);
                    await stream.WriteAsync(new W.RequestOk()).ConfigureAwait(false);
                }
            }

            await FinishQuietlyAsync(stream).ConfigureAwait(false);
        }
        catch (TransportStreamAbortedException)
        {
            stream.Cancel(StreamResetCode.Cancelled);
        }
    }

    /// <inheritdoc />
    public async ValueTask<SubscribeNamespaceResult> SubscribeNamespaceAsync(TrackNamespace prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        RequestStream stream = await OpenRequestAsync(new W.SubscribeNamespace(NextRequestId(), prefix.ToWire()), cancellationToken).ConfigureAwait(false);
        W.MoqtControlMessage? response = await ReadResponseAsync(stream, cancellationToken).ConfigureAwait(false);
        switch (response)
        {
            case W.RequestOk:
                {
                    var producer = new NamespaceProducer(prefix);
                    lock (_namespaceSubscriptions)
                        _namespaceSubscriptions.Add(producer);
                    producer.Cancelled += _ => stream.Cancel(StreamResetCode.Cancelled);
                    Spawn(() => ReadNamespacesAsync(stream, producer));
                    return SubscribeNamespaceResult.Ok(producer.Consumer);
                }

            case W.RequestError error:
                await FinishQuietlyAsync(stream).ConfigureAwait(false);
                return SubscribeNamespaceResult.Error(error.ErrorCode, error.ErrorReason, WireMapping.ToRetryInterval(error.RetryInterval));
            case null:
                return SubscribeNamespaceResult.Error(RequestErrorCode.InternalError, "the publisher closed the request stream");
            default:
                throw await UnexpectedAsync(response, "SUBSCRIBE_NAMESPACE").ConfigureAwait(false);
        }
    }

    private async Task ReadNamespacesAsync(RequestStream stream, NamespaceProducer producer)
    {
        var active = new HashSet<TrackNamespace>();
        try
        {
            while (await stream.ReadAsync(SessionToken).ConfigureAwait(false) is { } message)
            {
                switch (message)
                {
                    case W.Namespace ns:
                        {
                            TrackNamespace full = producer.Prefix.Append(ns.TrackNamespaceSuffix.ToModel());
                            active.Add(full);
                            producer.Announce(full);
                            break;
                        }

                    case W.NamespaceDone done:
                        {
                            TrackNamespace full = producer.Prefix.Append(done.TrackNamespaceSuffix.ToModel());
                            if (!active.Remove(full))
                                throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, "NAMESPACE_DONE before NAMESPACE");
                            producer.Withdraw(full);
                            break;
                        }

                    case W.RequestOk or W.RequestError or W.GoAway:
                        break;
                    default:
                        throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, $"unexpected {message.Type} on a SUBSCRIBE_NAMESPACE stream");
                }
            }
        }
        catch (TransportStreamAbortedException)
        {
        }
        finally
        {
            // draft-19 §"SUBSCRIBE_NAMESPACE": a FIN or reset withdraws every active namespace.
            foreach (TrackNamespace ns in active)
                producer.Withdraw(ns);
            producer.Complete();
            lock (_namespaceSubscriptions)
                _namespaceSubscriptions.Remove(producer);
        }
    }

    private async Task ServeSubscribeNamespaceAsync(RequestStream stream, W.SubscribeNamespace request)
    {
        IPublisher? handler = _options.Publisher;
        if (handler is null)
        {
            await RejectAsync(stream, RequestErrorCode.NotSupported, "this endpoint does not publish").ConfigureAwait(false);
            return;
        }

        TrackNamespace prefix = request.TrackNamespacePrefix.ToModel();
        SubscribeNamespaceResult result = await AskHandlerAsync("SUBSCRIBE_NAMESPACE", () => handler.SubscribeNamespaceAsync(prefix, SessionToken),
            () => SubscribeNamespaceResult.Error(RequestErrorCode.InternalError, "the publisher failed")).ConfigureAwait(false);

        if (!result.IsOk)
        {
            await RejectAsync(stream, result).ConfigureAwait(false);
            return;
        }

        using NamespaceConsumer consumer = result.Value!;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(SessionToken);
        await stream.WriteAsync(new W.RequestOk(), cancellationToken: cancel.Token).ConfigureAwait(false);
        Task watch = WatchFetchCancellationAsync(stream, cancel);
        try
        {
            while (await consumer.NextAsync(cancel.Token).ConfigureAwait(false) is { } change)
            {
                W.TrackNamespace suffix = change.Namespace.RemovePrefix(prefix).ToWire();
                W.MoqtControlMessage message = change.Active ? new W.Namespace(suffix) : new W.NamespaceDone(suffix);
                await stream.WriteAsync(message, cancellationToken: cancel.Token).ConfigureAwait(false);
            }

            await FinishQuietlyAsync(stream).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TransportStreamAbortedException && !SessionToken.IsCancellationRequested)
        {
            stream.Cancel(StreamResetCode.Cancelled);
        }
        finally
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }
    }

    private void OnSessionClosedNamespaces()
    {
        NamespaceProducer[] producers;
        lock (_namespaceSubscriptions)
            producers = [.. _namespaceSubscriptions];
        foreach (NamespaceProducer producer in producers)
            producer.Complete();
    }

    /// <summary>A registration whose disposal runs an action once.</summary>
    private sealed class Registration(Action dispose) : IAsyncDisposable
    {
        private Action? _dispose = dispose;

        public ValueTask DisposeAsync()
        {
            Interlocked.Exchange(ref _dispose, null)?.Invoke();
            return ValueTask.CompletedTask;
        }
    }
}
