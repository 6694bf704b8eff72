using System.Collections.Concurrent;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session.Internal;
using MoqLive.Transport;
using W = MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Session;

public sealed partial class MoqtSession
{
    private readonly ConcurrentDictionary<ulong, InboundTrack> _inbound = new();
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<InboundTrack>> _aliasWaiters = new();
    private readonly ConcurrentDictionary<ulong, OutboundSubscription> _outbound = new();

    /// <summary>
    /// The application's reader of an inbound subscription gets every group the publisher sent (within the inbound
    /// cache): a burst of groups must not make the session skip any, since only the application knows whether old
    /// groups are stale (a relay forwards them all and applies the lag policy per downstream subscriber).
    /// </summary>
    private static readonly TrackConsumerOptions InboundReaderOptions = new() { Start = TrackStart.At(Location.Zero), MaxLagGroups = int.MaxValue };

    /// <summary>
    /// The peer's SUBSCRIBEs whose handler has not answered yet (`Pending (subscriber)`), by Request ID: a joining FETCH
    /// naming one waits for its outcome (the established subscription, or null when it failed). A joining FETCH that
    /// arrives before the SUBSCRIBE it names (the two travel on separate streams) adds the entry the SUBSCRIBE then takes.
    /// Added and removed under the lock on <see cref="_peerRequestIds"/>.
    /// </summary>
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<OutboundSubscription?>> _pendingSubscribes = new();

    private static TaskCompletionSource<OutboundSubscription?> NewPendingSubscribe() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long after PUBLISH_DONE late data streams are still awaited.</summary>
    private static readonly TimeSpan PublishDoneGrace = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public async ValueTask<SubscribeResult> SubscribeAsync(FullTrackName track, SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        options ??= SubscribeOptions.Default;
        ulong requestId = NextRequestId();
        var request = new W.Subscribe(requestId, track.Namespace.ToWire(), track.Name) { Parameters = options.ToParameters() };
        RequestStream stream = await OpenRequestAsync(request, cancellationToken).ConfigureAwait(false);
        return await CompleteSubscribeAsync(track, requestId, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// SUBSCRIBE and a Relative Joining FETCH <paramref name="groupsBack"/> groups back, sent one after the other without
    /// waiting for SUBSCRIBE_OK: draft-19 §"Joining Fetches" lets a joining FETCH name a subscription still
    /// `Pending (subscriber)`, and the publisher holds it until the subscription is established. A late joiner gets the
    /// current group from its first object in one round trip instead of two.
    /// </summary>
    /// <returns>The subscription's result and the FETCH's (an error when the subscription failed, or nothing was published yet).</returns>
    public async ValueTask<(SubscribeResult Subscription, FetchResult Fetch)> SubscribeWithJoiningFetchAsync(FullTrackName track, ulong groupsBack = 0,
        SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        options ??= SubscribeOptions.Default;
        ulong requestId = NextRequestId();
        var request = new W.Subscribe(requestId, track.Namespace.ToWire(), track.Name) { Parameters = options.ToParameters() };
        RequestStream stream = await OpenRequestAsync(request, cancellationToken).ConfigureAwait(false);
        ulong fetchId = NextRequestId();
        Task<FetchResult> fetch = SendFetchAsync(track, W.Fetch.RelativeJoining(fetchId, requestId, groupsBack), GroupOrder.Ascending, options.SubscriberPriority,
            cancellationToken).AsTask();
        SubscribeResult subscription;
        try
        {
            subscription = await CompleteSubscribeAsync(track, requestId, stream, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DisposeFetchAsync(fetch).ConfigureAwait(false);
            throw;
        }

        return (subscription, await fetch.ConfigureAwait(false));
    }

    /// <summary>A FETCH whose SUBSCRIBE failed: its consumer, if it got one, is closed.</summary>
    private static async Task DisposeFetchAsync(Task<FetchResult> fetch)
    {
        try
        {
            FetchResult result = await fetch.ConfigureAwait(false);
            result.Value?.Objects.Dispose();
        }
        catch (Exception e) when (e is MoqtSessionException or OperationCanceledException)
        {
        }
    }

    /// <summary>Reads a SUBSCRIBE's answer; SUBSCRIBE_OK registers the inbound track.</summary>
    private async Task<SubscribeResult> CompleteSubscribeAsync(FullTrackName track, ulong requestId, RequestStream stream, CancellationToken cancellationToken)
    {
        W.MoqtControlMessage? response = await ReadResponseAsync(stream, cancellationToken).ConfigureAwait(false);
        switch (response)
        {
            case W.SubscribeOk ok:
                {
                    InboundTrack inbound = await RegisterInboundAsync(requestId, ok.TrackAlias, ok.TrackProperties.ToTrackInfo(track), stream).ConfigureAwait(false);
                    TrackConsumer consumer = inbound.Producer.Subscribe(InboundReaderOptions);
                    inbound.Producer.Unused += _ => CancelInbound(inbound);
                    Spawn(() => ReadSubscriptionStreamAsync(inbound));
                    TimeSpan? expires = ok.Parameters.Expires is { } ms and > 0 ? TimeSpan.FromMilliseconds(ms) : null;
                    return SubscribeResult.Ok(new Model.SubscribeOk(consumer, ok.Parameters.LargestObject, expires));
                }

            case W.RequestError error:
                await FinishQuietlyAsync(stream).ConfigureAwait(false);
                return SubscribeResult.Error(error.ErrorCode, error.ErrorReason, WireMapping.ToRetryInterval(error.RetryInterval));
            case null:
                return SubscribeResult.Error(RequestErrorCode.InternalError, "the publisher closed the request stream");
            default:
                throw await UnexpectedAsync(response, "SUBSCRIBE").ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<PublishResult> PublishAsync(TrackConsumer track, PublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        options ??= PublishOptions.Default;
        ulong requestId = NextRequestId();
        ulong alias = NextTrackAlias();
        var request = new W.Publish(requestId, track.Name.Namespace.ToWire(), track.Name.Name, alias)
        {
            Parameters = new W.MessageParameters
            {
                Forward = options.Forward ? null : false,
                LargestObject = track.LargestLocation,
                AuthorizationTokens = options.AuthorizationToken.IsEmpty ? [] : [W.AuthorizationToken.UseValue(0, options.AuthorizationToken)],
            },
            TrackProperties = track.Info.ToTrackProperties(),
        };
        RequestStream stream = await OpenRequestAsync(request, cancellationToken).ConfigureAwait(false);
        W.MoqtControlMessage? response = await ReadResponseAsync(stream, cancellationToken).ConfigureAwait(false);
        switch (response)
        {
            case W.RequestOk ok:
                {
                    if (ok.TrackProperties.Count > 0)
                        throw await UnexpectedAsync(ok, "PUBLISH (Track Properties in PUBLISH_OK)").ConfigureAwait(false);
                    bool forward = ok.Parameters.Forward ?? true;
                    byte priority = ok.Parameters.SubscriberPriority ?? TrackInfo.DefaultPublisherPriority;
                    var outbound = new OutboundSubscription(requestId, alias, track, stream, priority, track.Info.GroupOrder, forward, SessionToken)
                    {
                        ObjectDeliveryTimeout = DeliveryTimeouts.FromWire(ok.Parameters.ObjectDeliveryTimeout ?? 0),
                        SubgroupDeliveryTimeout = DeliveryTimeouts.FromWire(ok.Parameters.SubgroupDeliveryTimeout ?? 0),
                    };
                    _outbound[requestId] = outbound;
                    Spawn(() => ReadOutboundStreamAsync(outbound));
                    Spawn(() => PumpAsync(outbound));
                    return PublishResult.Ok(new PublishOk(forward, priority)
                    {
                        ObjectDeliveryTimeout = outbound.ObjectDeliveryTimeout,
                        SubgroupDeliveryTimeout = outbound.SubgroupDeliveryTimeout,
                    });
                }

            case W.RequestError error:
                await FinishQuietlyAsync(stream).ConfigureAwait(false);
                return PublishResult.Error(error.ErrorCode, error.ErrorReason, WireMapping.ToRetryInterval(error.RetryInterval));
            case null:
                return PublishResult.Error(RequestErrorCode.InternalError, "the subscriber closed the request stream");
            default:
                throw await UnexpectedAsync(response, "PUBLISH").ConfigureAwait(false);
        }
    }

    private static async Task FinishQuietlyAsync(RequestStream stream)
    {
        try
        {
            await stream.FinishAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is TransportStreamAbortedException or TransportSessionClosedException)
        {
        }
    }

    /// <summary>Registers a Track Alias for received data; an alias already in use is DUPLICATE_TRACK_ALIAS.</summary>
    private async Task<InboundTrack> RegisterInboundAsync(ulong requestId, ulong alias, TrackInfo info, RequestStream stream)
    {
        // The session's clock stamps received objects, so delivery timeouts of a relay re-serving them count from arrival.
        var producer = new TrackProducer(info, _options.ReceivedTrackOptions with { TimeProvider = _options.TimeProvider });
        var inbound = new InboundTrack(requestId, alias, producer, stream);
        if (!_inbound.TryAdd(alias, inbound))
        {
            producer.Dispose();
            string reason = $"Track Alias {alias} is already in use";
            await CloseAsync(W.MoqtErrorCode.DuplicateTrackAlias, reason).ConfigureAwait(false);
            throw new MoqtSessionException(W.MoqtErrorCode.DuplicateTrackAlias, reason);
        }

        if (_aliasWaiters.TryRemove(alias, out TaskCompletionSource<InboundTrack>? waiter))
            waiter.TrySetResult(inbound);
        return inbound;
    }

    /// <summary>The track for <paramref name="alias"/>, waiting briefly for a SUBSCRIBE_OK / PUBLISH still in flight.</summary>
    private async Task<InboundTrack?> FindInboundAsync(ulong alias)
    {
        if (_inbound.TryGetValue(alias, out InboundTrack? known))
            return known;
        TaskCompletionSource<InboundTrack> waiter = _aliasWaiters.GetOrAdd(alias, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_inbound.TryGetValue(alias, out known))
            return known;
        try
        {
            return await waiter.Task.WaitAsync(_options.UnknownAliasTimeout, _options.TimeProvider, SessionToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _aliasWaiters.TryRemove(alias, out _);
            Log.UnknownTrackAlias(_logger, alias);
            return null;
        }
    }

    /// <summary>Unsubscribe: cancel the request stream (STOP_SENDING + RESET_STREAM, §"Request Cancellation").</summary>
    private void CancelInbound(InboundTrack inbound)
    {
        lock (inbound.Sync)
        {
            if (inbound.Finished)
                return;
            inbound.Finished = true;
        }

        _inbound.TryRemove(new KeyValuePair<ulong, InboundTrack>(inbound.TrackAlias, inbound));
        inbound.Stream.Cancel(StreamResetCode.Cancelled);
        inbound.Producer.Dispose();
    }

    /// <summary>Reads what follows SUBSCRIBE_OK (or PUBLISH) on a received track's request stream: PUBLISH_DONE, update responses.</summary>
    private async Task ReadSubscriptionStreamAsync(InboundTrack inbound)
    {
        try
        {
            while (true)
            {
                W.MoqtControlMessage? message = await inbound.Stream.ReadAsync(SessionToken).ConfigureAwait(false);
                switch (message)
                {
                    case null:
                        await FinishQuietlyAsync(inbound.Stream).ConfigureAwait(false);
                        if (inbound.Done is null)
                            AbortInbound(inbound, "the publisher ended the request without PUBLISH_DONE");
                        return;
                    case W.PublishDone done when inbound.Done is null:
                        lock (inbound.Sync)
                            inbound.Done = done;
                        TryFinishInbound(inbound);
                        Spawn(async () =>
                        {
                            await Task.Delay(PublishDoneGrace, _options.TimeProvider, SessionToken).ConfigureAwait(false);
                            FinishInbound(inbound);
                        });
                        break;
                    case W.RequestOk or W.RequestError:
                        if (!inbound.PendingUpdates.TryDequeue(out TaskCompletionSource<W.MoqtControlMessage?>? pending))
                            throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, $"{message.Type} without an outstanding REQUEST_UPDATE");
                        pending.TrySetResult(message);
                        break;
                    case W.GoAway:
                        break;
                    default:
                        throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, $"unexpected {message.Type} on a subscription stream");
                }
            }
        }
        catch (TransportStreamAbortedException)
        {
            AbortInbound(inbound, "the publisher cancelled the subscription");
        }
        finally
        {
            while (inbound.PendingUpdates.TryDequeue(out TaskCompletionSource<W.MoqtControlMessage?>? pending))
                pending.TrySetResult(null);
        }
    }

    /// <summary>
    /// REQUEST_UPDATE on a subscription this session received (from <see cref="SubscribeAsync"/> or an accepted
    /// PUBLISH): changes subscriber priority, forward state or requests a new group. Failures are result values.
    /// </summary>
    public async ValueTask<SubscriptionUpdateResult> UpdateSubscriptionAsync(TrackConsumer track, SubscriptionUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(track);
        ArgumentNullException.ThrowIfNull(update);
        ThrowIfClosed();
        InboundTrack? inbound = _inbound.Values.FirstOrDefault(i => track.IsFrom(i.Producer));
        if (inbound is null)
            return SubscriptionUpdateResult.Error(RequestErrorCode.DoesNotExist, "the subscription is not active on this session");

        var request = new W.RequestUpdate(NextRequestId())
        {
            Parameters = new W.MessageParameters
            {
                SubscriberPriority = update.SubscriberPriority,
                Forward = update.Forward,
                NewGroupRequest = update.NewGroupRequest,
                ObjectDeliveryTimeout = DeliveryTimeouts.ToWire(update.ObjectDeliveryTimeout),
                SubgroupDeliveryTimeout = DeliveryTimeouts.ToWire(update.SubgroupDeliveryTimeout),
            },
        };
        var pending = new TaskCompletionSource<W.MoqtControlMessage?>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbound.PendingUpdates.Enqueue(pending);
        await inbound.Stream.WriteAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        W.MoqtControlMessage? response = await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return response switch
        {
            W.RequestOk ok => SubscriptionUpdateResult.Ok(new SubscriptionUpdateOk(ok.Parameters.LargestObject)),
            W.RequestError error => SubscriptionUpdateResult.Error(error.ErrorCode, error.ErrorReason, WireMapping.ToRetryInterval(error.RetryInterval)),
            _ => SubscriptionUpdateResult.Error(RequestErrorCode.InternalError, "the subscription ended before the update was answered"),
        };
    }

    private void AbortInbound(InboundTrack inbound, string reason)
    {
        lock (inbound.Sync)
        {
            if (inbound.Finished)
                return;
            inbound.Finished = true;
        }

        _inbound.TryRemove(new KeyValuePair<ulong, InboundTrack>(inbound.TrackAlias, inbound));
        inbound.Producer.Abort(PublishDoneStatusCode.InternalError, reason, StreamResetCode.Cancelled);
    }

    /// <summary>Completes the track once PUBLISH_DONE arrived and every announced data stream was read.</summary>
    private void TryFinishInbound(InboundTrack inbound)
    {
        bool ready;
        lock (inbound.Sync)
            ready = inbound.Done is { } done && inbound.OpenStreams == 0 && inbound.StreamsSeen >= done.StreamCount;
        if (ready)
            FinishInbound(inbound);
    }

    private void FinishInbound(InboundTrack inbound)
    {
        W.PublishDone? done;
        lock (inbound.Sync)
        {
            if (inbound.Finished)
                return;
            inbound.Finished = true;
            done = inbound.Done;
        }

        _inbound.TryRemove(new KeyValuePair<ulong, InboundTrack>(inbound.TrackAlias, inbound));
        if (done is not null)
            inbound.Producer.Complete(done.StatusCode, done.ErrorReason);
    }

    // ---- Serving: the peer's SUBSCRIBE and PUBLISH.

    private async Task ServeSubscribeAsync(RequestStream stream, W.Subscribe subscribe)
    {
        FullTrackName name = FullTrackName.Create(subscribe.TrackNamespace.ToModel(), subscribe.TrackName.Span);
        IPublisher? handler = ResolvePublisher(name.Namespace);

        // Pending since AcceptPeerRequestId.
        TaskCompletionSource<OutboundSubscription?> pending = _pendingSubscribes.GetOrAdd(subscribe.RequestId, static _ => NewPendingSubscribe());
        OutboundSubscription? established = null;
        try
        {
            if (handler is null)
                await RejectAsync(stream, RequestErrorCode.NotSupported, "this endpoint does not publish").ConfigureAwait(false);
            else
                established = await EstablishSubscriptionAsync(stream, subscribe, name, handler, subscribe.Parameters.ToSubscribeOptions()).ConfigureAwait(false);
        }
        finally
        {
            // _outbound has it (or it failed) before it leaves the pending set, so a joining FETCH finds it in one or the other.
            pending.TrySetResult(established);
            lock (_peerRequestIds)
                _pendingSubscribes.TryRemove(new KeyValuePair<ulong, TaskCompletionSource<OutboundSubscription?>>(subscribe.RequestId, pending));
        }

        if (established is null)
            return;
        Spawn(() => ReadOutboundStreamAsync(established));
        await PumpAsync(established).ConfigureAwait(false);
    }

    /// <summary>Asks the handler; answers SUBSCRIBE_OK (registering the subscription) or REQUEST_ERROR (null).</summary>
    private async Task<OutboundSubscription?> EstablishSubscriptionAsync(RequestStream stream, W.Subscribe subscribe, FullTrackName name, IPublisher handler,
        SubscribeOptions options)
    {
        SubscribeResult result = await AskHandlerAsync("SUBSCRIBE", () => handler.SubscribeAsync(name, options, SessionToken),
            () => SubscribeResult.Error(RequestErrorCode.InternalError, "the publisher failed")).ConfigureAwait(false);

        if (!result.IsOk)
        {
            await RejectAsync(stream, result).ConfigureAwait(false);
            return null;
        }

        Model.SubscribeOk ok = result.Value!;
        ulong alias = NextTrackAlias();
        GroupOrder order = options.GroupOrder ?? ok.Track.Info.GroupOrder;
        var outbound = new OutboundSubscription(subscribe.RequestId, alias, ok.Track, stream, options.SubscriberPriority, order, options.Forward, SessionToken)
        {
            ObjectDeliveryTimeout = options.ObjectDeliveryTimeout ?? TimeSpan.Zero,
            SubgroupDeliveryTimeout = options.SubgroupDeliveryTimeout ?? TimeSpan.Zero,
        };
        _outbound[subscribe.RequestId] = outbound;
        var reply = new W.SubscribeOk(alias)
        {
            Parameters = new W.MessageParameters
            {
                LargestObject = ok.LargestLocation,
                Expires = ok.Expires is { } expires ? (ulong)expires.TotalMilliseconds : null,
            },
            TrackProperties = ok.Track.Info.ToTrackProperties(),
        };
        try
        {
            await stream.WriteAsync(reply, cancellationToken: outbound.Token).ConfigureAwait(false);
        }
        catch
        {
            RemoveOutbound(outbound);
            throw;
        }

        return outbound;
    }

    private async Task ServePublishAsync(RequestStream stream, W.Publish publish)
    {
        ISubscriber? handler = _options.Subscriber;
        if (handler is null)
        {
            await RejectAsync(stream, RequestErrorCode.NotSupported, "this endpoint does not accept PUBLISH").ConfigureAwait(false);
            return;
        }

        FullTrackName name = FullTrackName.Create(publish.TrackNamespace.ToModel(), publish.TrackName.Span);
        InboundTrack inbound = await RegisterInboundAsync(publish.RequestId, publish.TrackAlias, publish.TrackProperties.ToTrackInfo(name), stream).ConfigureAwait(false);
        TrackConsumer consumer = inbound.Producer.Subscribe(InboundReaderOptions);
        var options = new PublishOptions { Forward = publish.Parameters.Forward ?? true };
        PublishResult result = await AskHandlerAsync("PUBLISH", () => handler.PublishAsync(consumer, options, SessionToken),
            () => PublishResult.Error(RequestErrorCode.InternalError, "the subscriber failed")).ConfigureAwait(false);

        if (!result.IsOk)
        {
            consumer.Dispose();
            AbortInbound(inbound, "rejected");
            await RejectAsync(stream, result).ConfigureAwait(false);
            stream.Reader.Stop((ulong)StreamResetCode.Cancelled);
            return;
        }

        PublishOk ok = result.Value!;
        inbound.Producer.Unused += _ => CancelInbound(inbound);
        await stream.WriteAsync(new W.RequestOk
        {
            Parameters = new W.MessageParameters
            {
                Forward = ok.Forward ? null : false,
                SubscriberPriority = ok.SubscriberPriority == TrackInfo.DefaultPublisherPriority ? null : ok.SubscriberPriority,
                ObjectDeliveryTimeout = DeliveryTimeouts.ToWire(ok.ObjectDeliveryTimeout),
                SubgroupDeliveryTimeout = DeliveryTimeouts.ToWire(ok.SubgroupDeliveryTimeout),
            },
        }).ConfigureAwait(false);
        await ReadSubscriptionStreamAsync(inbound).ConfigureAwait(false);
    }

    private void RemoveOutbound(OutboundSubscription outbound)
    {
        if (_outbound.TryRemove(new KeyValuePair<ulong, OutboundSubscription>(outbound.RequestId, outbound)))
            outbound.Dispose();
    }

    /// <summary>Reads the subscriber's side of a served subscription: REQUEST_UPDATE, FIN, or cancellation.</summary>
    private async Task ReadOutboundStreamAsync(OutboundSubscription outbound)
    {
        try
        {
            while (true)
            {
                W.MoqtControlMessage? message = await outbound.Stream.ReadAsync(outbound.Token).ConfigureAwait(false);
                switch (message)
                {
                    case null:
                        return;
                    case W.RequestUpdate update:
                        AcceptPeerRequestId(update.RequestId);
                        if (update.Parameters.SubscriberPriority is { } priority)
                            outbound.UpdateSubscriberPriority(priority);
                        if (update.Parameters.Forward is { } forward)
                            outbound.Forward = forward;

                        // §"Delivery Timeouts and Data Reliability": 0 removes the timeout; it applies to objects not yet sent.
                        if (update.Parameters.ObjectDeliveryTimeout is { } objectTimeout)
                            outbound.ObjectDeliveryTimeout = DeliveryTimeouts.FromWire(objectTimeout);
                        if (update.Parameters.SubgroupDeliveryTimeout is { } subgroupTimeout)
                            outbound.SubgroupDeliveryTimeout = DeliveryTimeouts.FromWire(subgroupTimeout);
                        var updateOk = new W.RequestOk
                        {
                            Parameters = new W.MessageParameters { LargestObject = outbound.Track.LargestLocation },
                        };
                        await outbound.Stream.WriteAsync(updateOk, cancellationToken: outbound.Token).ConfigureAwait(false);
                        break;
                    case W.GoAway:
                        break;
                    default:
                        throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, $"unexpected {message.Type} from the subscriber");
                }
            }
        }
        catch (TransportStreamAbortedException)
        {
            // STOP_SENDING / RESET_STREAM from the subscriber: unsubscribe (§"Subscriptions").
            outbound.Cancel((ulong)StreamResetCode.Cancelled);
        }
        catch (OperationCanceledException) when (outbound.IsCancelled)
        {
        }
    }
}
