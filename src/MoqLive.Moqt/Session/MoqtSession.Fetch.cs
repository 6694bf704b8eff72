using System.Buffers;
using System.Collections.Concurrent;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session.Internal;
using MoqLive.Transport;
using W = MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Session;

public sealed partial class MoqtSession
{
    private readonly ConcurrentDictionary<ulong, (FetchProducer Producer, GroupOrder Order)> _fetches = new();

    /// <inheritdoc />
    public async ValueTask<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ulong requestId = NextRequestId();
        W.Fetch message;
        if (request.Type == FetchType.Standalone)
        {
            message = W.Fetch.Standalone(requestId, request.Track.Namespace.ToWire(), request.Track.Name, request.Start, WireMapping.ToWireEnd(request.End));
        }
        else
        {
            InboundTrack? joined = _inbound.Values.FirstOrDefault(i => request.JoiningSubscription!.IsFrom(i.Producer));
            if (joined is null)
                return FetchResult.Error(RequestErrorCode.InvalidJoiningRequestId, "the joined subscription is not active on this session");
            message = request.Type == FetchType.RelativeJoining
                ? W.Fetch.RelativeJoining(requestId, joined.RequestId, request.JoiningStart)
                : W.Fetch.AbsoluteJoining(requestId, joined.RequestId, request.JoiningStart);
        }

        return await SendFetchAsync(request.Track, message, request.GroupOrder, request.SubscriberPriority, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a FETCH of <paramref name="track"/> and reads its answer; the objects come on a FETCH stream.</summary>
    private async ValueTask<FetchResult> SendFetchAsync(FullTrackName track, W.Fetch message, GroupOrder order, byte subscriberPriority,
        CancellationToken cancellationToken)
    {
        ulong requestId = message.RequestId;
        var parameters = new W.MessageParameters
        {
            SubscriberPriority = subscriberPriority == TrackInfo.DefaultPublisherPriority ? null : subscriberPriority,
            GroupOrder = order == GroupOrder.Ascending ? null : order,
        };
        var producer = new FetchProducer();
        _fetches[requestId] = (producer, order);
        RequestStream stream;
        W.MoqtControlMessage? response;
        try
        {
            stream = await OpenRequestAsync(message with { Parameters = parameters }, cancellationToken).ConfigureAwait(false);
            response = await ReadResponseAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _fetches.TryRemove(requestId, out _);
            producer.Abort(StreamResetCode.Cancelled);
            throw;
        }

        switch (response)
        {
            case W.FetchOk ok:
                await FinishQuietlyAsync(stream).ConfigureAwait(false);
                return FetchResult.Ok(new Model.FetchOk(producer.Consumer, ok.TrackProperties.ToTrackInfo(track), ok.EndOfTrack,
                    WireMapping.ToModelEnd(ok.EndLocation)));
            case W.RequestError error:
                _fetches.TryRemove(requestId, out _);
                producer.Abort(StreamResetCode.Cancelled);
                await FinishQuietlyAsync(stream).ConfigureAwait(false);
                return FetchResult.Error(error.ErrorCode, error.ErrorReason, WireMapping.ToRetryInterval(error.RetryInterval));
            case null:
                _fetches.TryRemove(requestId, out _);
                producer.Abort(StreamResetCode.Cancelled);
                return FetchResult.Error(RequestErrorCode.InternalError, "the publisher closed the request stream");
            default:
                throw await UnexpectedAsync(response, "FETCH").ConfigureAwait(false);
        }
    }

    private async Task ReceiveFetchStreamAsync(StreamBuffer buffer)
    {
        W.FetchHeader header = await buffer.ReadHeaderAsync<W.FetchHeader>(W.FetchHeader.TryRead, "FETCH_HEADER", SessionToken).ConfigureAwait(false);

        if (!_fetches.TryGetValue(header.RequestId, out (FetchProducer Producer, GroupOrder Order) fetch))
        {
            buffer.Stop((ulong)StreamResetCode.Cancelled);
            return;
        }

        var state = new W.FetchStreamState(fetch.Order);
        try
        {
            while (true)
            {
                W.FetchObjectHeader entry;
                while (true)
                {
                    var reader = new SequenceReader<byte>(buffer.Data);
                    if (W.FetchObjectHeader.TryRead(ref reader, state, out entry))
                    {
                        buffer.Consume(reader.Consumed);
                        break;
                    }

                    if (!await buffer.FillAsync(SessionToken).ConfigureAwait(false))
                    {
                        if (buffer.Length != 0)
                            throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, "FETCH stream ended inside an object");
                        fetch.Producer.Complete();
                        return;
                    }
                }

                if (entry.Kind != W.FetchObjectKind.Object)
                    continue;
                if (entry.PayloadLength > (ulong)_options.MaxObjectSize)
                {
                    buffer.Stop((ulong)StreamResetCode.ExcessiveLoad);
                    fetch.Producer.Abort(StreamResetCode.ExcessiveLoad);
                    return;
                }

                MoqtPayload payload = await ReadPayloadAsync(buffer, (int)entry.PayloadLength, _options.PayloadPool).ConfigureAwait(false);
                var obj = new MoqtObject(entry.Location.Group, entry.SubgroupId ?? 0, entry.Location.Object, entry.PublisherPriority, ObjectStatus.Normal,
                    payload, entry.Properties.ToModelProperties(), entry.SubgroupId is null ? ForwardingPreference.Datagram : ForwardingPreference.Subgroup);
                await fetch.Producer.WriteAsync(obj, SessionToken).ConfigureAwait(false);
            }
        }
        catch (TransportStreamAbortedException e)
        {
            fetch.Producer.Abort((StreamResetCode)e.ErrorCode);
        }
        finally
        {
            _fetches.TryRemove(header.RequestId, out _);
        }
    }

    private async Task ServeFetchAsync(RequestStream stream, W.Fetch fetch)
    {
        byte subscriberPriority = fetch.Parameters.SubscriberPriority ?? TrackInfo.DefaultPublisherPriority;
        var order = fetch.Parameters.GroupOrder ?? GroupOrder.Ascending;
        FetchRequest request;
        IPublisher? handler;
        if (fetch.FetchType == FetchType.Standalone)
        {
            FullTrackName name = FullTrackName.Create(fetch.TrackNamespace!.ToModel(), fetch.TrackName.Span);
            request = FetchRequest.Standalone(name, fetch.StartLocation, WireMapping.ToModelEnd(fetch.EndLocation), order, subscriberPriority);
            handler = ResolvePublisher(name.Namespace);
        }
        else
        {
            OutboundSubscription? joined = await JoinedSubscriptionAsync(fetch).ConfigureAwait(false);
            if (joined is null || joined.IsCancelled)
            {
                await RejectAsync(stream, RequestErrorCode.InvalidJoiningRequestId, "no such subscription").ConfigureAwait(false);
                return;
            }

            if (!joined.Forward)
            {
                await RejectAsync(stream, RequestErrorCode.InvalidRange, "the joined subscription has Forward State 0").ConfigureAwait(false);
                return;
            }

            request = fetch.FetchType == FetchType.RelativeJoining
                ? FetchRequest.RelativeJoining(joined.Track, fetch.JoiningStart, order, subscriberPriority)
                : FetchRequest.AbsoluteJoining(joined.Track, fetch.JoiningStart, order, subscriberPriority);
            handler = ResolvePublisher(joined.Track.Name.Namespace);
        }

        if (handler is null)
        {
            await RejectAsync(stream, RequestErrorCode.NotSupported, "this endpoint does not publish").ConfigureAwait(false);
            return;
        }

        FetchResult result = await AskHandlerAsync("FETCH", () => handler.FetchAsync(request, SessionToken),
            () => FetchResult.Error(RequestErrorCode.InternalError, "the publisher failed")).ConfigureAwait(false);

        if (!result.IsOk)
        {
            await RejectAsync(stream, result).ConfigureAwait(false);
            return;
        }

        Model.FetchOk ok = result.Value!;
        using FetchConsumer objects = ok.Objects;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(SessionToken);
        await stream.WriteAsync(new W.FetchOk(ok.EndOfTrack, WireMapping.ToWireEnd(ok.EndLocation)) { TrackProperties = ok.Track.ToTrackProperties() },
            cancellationToken: cancel.Token).ConfigureAwait(false);
        Task watch = WatchFetchCancellationAsync(stream, cancel);

        ITransportSendStream data = await _transport.OpenUnidirectionalStreamAsync(cancel.Token).ConfigureAwait(false);
        data.Priority = GetPriority(subscriberPriority, TrackInfo.DefaultPublisherPriority, order, 0, 0);
        try
        {
            // The FETCH_HEADER goes out with the first object (or alone before the FIN of an empty fetch), so the stream's
            // first packet already carries an object.
            var streamHeader = new W.FetchHeader(fetch.RequestId);
            bool headerWritten = false;
            var state = new W.FetchStreamState(order);
            while (true)
            {
                ObjectReadResult read = await objects.ReadObjectAsync(cancel.Token).ConfigureAwait(false);
                if (read.Status == ObjectReadStatus.End)
                {
                    if (!headerWritten)
                    {
                        byte[] headerBytes = new byte[streamHeader.GetEncodedLength()];
                        streamHeader.Write(headerBytes);
                        await data.WriteAsync(headerBytes, false, cancel.Token).ConfigureAwait(false);
                    }

                    await data.CompleteWritesAsync(cancel.Token).ConfigureAwait(false);
                    break;
                }

                if (read.Status != ObjectReadStatus.Object)
                {
                    data.Reset((ulong)read.ResetCode);
                    break;
                }

                MoqtObject obj = read.Object!;
                try
                {
                    if (obj.Status != ObjectStatus.Normal)
                        continue; // FETCH streams carry no status; gaps are implicit.
                    await WriteFetchObjectAsync(data, headerWritten ? null : streamHeader, state, obj, cancel.Token).ConfigureAwait(false);
                    headerWritten = true;
                }
                finally
                {
                    obj.Release();
                }
            }

            await FinishQuietlyAsync(stream).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TransportStreamAbortedException && !SessionToken.IsCancellationRequested)
        {
            // The requester cancelled (§"Fetch State Management"): reset both streams.
            data.Reset((ulong)StreamResetCode.Cancelled);
            stream.Cancel(StreamResetCode.Cancelled);
        }
        finally
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes one FETCH object (after <paramref name="streamHeader"/> when it opens the stream) as one transport write, as
    /// <see cref="WriteSubgroupObjectAsync"/> does: headers from a pooled buffer (transports copy written bytes), the payload
    /// by reference.
    /// </summary>
    private static async ValueTask WriteFetchObjectAsync(
        ITransportSendStream stream, W.FetchHeader? streamHeader, W.FetchStreamState state, MoqtObject obj, CancellationToken cancellationToken)
    {
        W.FetchObjectHeader entry = W.FetchObjectHeader.ForObject(obj.Location,
            obj.ForwardingPreference == ForwardingPreference.Datagram ? null : obj.SubgroupId, obj.PublisherPriority,
            (ulong)obj.Payload.Length, obj.Properties.ToWire());
        int prefixLength = streamHeader?.GetEncodedLength() ?? 0;
        int entryLength = entry.GetEncodedLength(state);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(prefixLength + entryLength);
        try
        {
            streamHeader?.Write(scratch);
            entry.Write(scratch.AsSpan(prefixLength, entryLength), state);
            await stream.WriteSharedAsync(scratch.AsMemory(0, prefixLength + entryLength), obj.Payload, false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// The subscription a joining FETCH names, or null when there is none. draft-19 §"Joining Fetches": a subscription
    /// still `Pending (subscriber)` is waited for ("buffers the pending Joining Fetch until either the Subscription is
    /// established or the request times out"); one that failed is no subscription. A subscriber may send the joining
    /// FETCH right after its SUBSCRIBE, and the two arrive on separate streams in either order: a Request ID the peer
    /// has not used yet, but below the FETCH's own (§"Request ID": they increase), is held for the SUBSCRIBE at most
    /// <see cref="MoqtSessionOptions.UnknownJoiningRequestTimeout"/>.
    /// </summary>
    private async Task<OutboundSubscription?> JoinedSubscriptionAsync(W.Fetch fetch)
    {
        ulong id = fetch.JoiningRequestId;
        TaskCompletionSource<OutboundSubscription?>? pending;
        bool early = false;
        lock (_peerRequestIds)
        {
            if (!_pendingSubscribes.TryGetValue(id, out pending) && !_peerRequestIds.Contains(id) && id < fetch.RequestId && IsPeerRequestIdParity(id))
            {
                pending = _pendingSubscribes.GetOrAdd(id, static _ => NewPendingSubscribe());
                early = true;
            }
        }

        if (pending is null)
            return _outbound.GetValueOrDefault(id);
        if (!early)
            return await pending.Task.WaitAsync(SessionToken).ConfigureAwait(false);
        try
        {
            return await pending.Task.WaitAsync(_options.UnknownJoiningRequestTimeout, _options.TimeProvider, SessionToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_peerRequestIds)
            {
                if (!_peerRequestIds.Contains(id))
                {
                    // Other joining FETCHes for the same ID wait on it too.
                    _pendingSubscribes.TryRemove(new KeyValuePair<ulong, TaskCompletionSource<OutboundSubscription?>>(id, pending));
                    pending.TrySetResult(null);
                    return null;
                }
            }

            // The SUBSCRIBE arrived in time and its publisher is still answering it (a relay subscribing upstream).
            return await pending.Task.WaitAsync(SessionToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the requester to cancel a served FETCH (reset of its direction) and signals it.</summary>
    private static async Task WatchFetchCancellationAsync(RequestStream stream, CancellationTokenSource cancel)
    {
        try
        {
            while (await stream.ReadAsync(cancel.Token).ConfigureAwait(false) is not null)
            {
            }
        }
        catch (TransportStreamAbortedException)
        {
            await cancel.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TransportSessionClosedException or W.MoqtProtocolException)
        {
        }
    }

    private void OnSessionClosedFetches()
    {
        foreach ((FetchProducer producer, _) in _fetches.Values)
            producer.Abort(StreamResetCode.SessionClosed);
        _fetches.Clear();
    }
}
