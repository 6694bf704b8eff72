using System.Buffers;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Session.Internal;
using MoqLive.Transport;
using W = MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Session;

public sealed partial class MoqtSession
{
    // ---- Sending a served subscription: one unidirectional stream per subgroup, datagrams for datagram objects.

    private async Task PumpAsync(OutboundSubscription outbound)
    {
        var groups = new List<GroupSend>();
        TrackEnd? end = null;
        try
        {
            while (true)
            {
                TrackReadResult next = await outbound.Track.NextGroupAsync(outbound.Token).ConfigureAwait(false);
                if (next.IsEnd)
                {
                    end = next.End;
                    break;
                }

                // A new group is what makes older ones stale for this subscriber (lag bound): their writes may be stuck
                // on flow control, where no read would notice, so cancel them here and their streams are reset.
                groups.RemoveAll(static g => g.Finish());
                foreach (GroupSend stale in groups)
                {
                    if (stale.Group.IsAbandoned)
                        stale.Abandon();
                }

                var send = new GroupSend(next.Group!, outbound.Token);
                send.Task = SendGroupAsync(outbound, send);
                groups.Add(send);
            }

            await Task.WhenAll(groups.Select(static g => g.Task)).ConfigureAwait(false);
            groups.RemoveAll(static g => g.Finish());

            // draft-19 §"PUBLISH_DONE": only after every data stream of the subscription is closed.
            var done = new W.PublishDone(end!.StatusCode, outbound.StreamCount, Truncate(end.Reason));
            await outbound.Stream.WriteAsync(done, fin: true, outbound.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (outbound.IsCancelled || IsShutdown(e))
        {
            outbound.Cancel((ulong)StreamResetCode.Cancelled);
        }
        finally
        {
            // Sends still running end with the subscription's token; their sources are left to the GC.
            groups.RemoveAll(static g => g.Finish());
            RemoveOutbound(outbound);
        }
    }

    private async Task SendGroupAsync(OutboundSubscription outbound, GroupSend send)
    {
        GroupConsumer group = send.Group;
        CancellationToken token = send.Token;
        var subgroups = new List<Task>();
        try
        {
            while (await group.NextSubgroupAsync(token).ConfigureAwait(false) is { } subgroup)
                subgroups.Add(subgroup.IsDatagram ? SendDatagramsAsync(outbound, subgroup, token) : SendSubgroupAsync(outbound, group, subgroup, token));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }

        await Task.WhenAll(subgroups).ConfigureAwait(false);
    }

    /// <summary>
    /// Stream priority (draft-19 §"Priorities"): strict by subscriber priority then publisher priority (Urgency),
    /// then group order and subgroup ID within the subscription (Order).
    /// </summary>
    internal static StreamPriority GetPriority(byte subscriberPriority, byte publisherPriority, GroupOrder order, ulong groupId, ulong subgroupId)
    {
        const ulong maxGroupKey = (1UL << 46) - 1;
        ulong group = Math.Min(groupId, maxGroupKey);
        ulong groupKey = order == GroupOrder.Ascending ? group : maxGroupKey - group;
        long orderValue = (long)((groupKey << 16) | Math.Min(subgroupId, 0xFFFF));
        return new StreamPriority((subscriberPriority << 8) | publisherPriority, orderValue);
    }

    private async Task SendSubgroupAsync(OutboundSubscription outbound, GroupConsumer group, SubgroupConsumer subgroup, CancellationToken cancellationToken)
    {
        ITransportSendStream? stream = null;
        W.SubgroupHeader? header = null;
        ulong? previous = null;
        byte defaultPriority = outbound.Track.Info.PublisherPriority;

        // The publisher's delivery timeouts for this subgroup, from its first object (§"Delivery Timeouts and Data Reliability").
        TimeSpan? publisherObjectTimeout = null;
        TimeSpan publisherSubgroupTimeout = TimeSpan.Zero;
        try
        {
            while (true)
            {
                ObjectReadResult read = await subgroup.ReadObjectAsync(cancellationToken).ConfigureAwait(false);
                if (read.Status != ObjectReadStatus.Object)
                {
                    if (stream is not null)
                    {
                        if (read.Status == ObjectReadStatus.End)
                        {
                            await stream.CompleteWritesAsync(cancellationToken).ConfigureAwait(false);
                            await EnforceSubgroupDeliveryTimeoutAsync(stream, DeliveryTimeouts.Combine(outbound.SubgroupDeliveryTimeout, publisherSubgroupTimeout),
                                cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            stream.Reset((ulong)read.ResetCode);
                        }
                    }

                    return;
                }

                MoqtObject obj = read.Object!;
                try
                {
                    if (publisherObjectTimeout is null)
                    {
                        MoqtObject? first = subgroup.StartsAtSubgroupStart ? obj : null;
                        publisherObjectTimeout = DeliveryTimeouts.PublisherObjectTimeout(outbound.Track.Info, first);
                        publisherSubgroupTimeout = DeliveryTimeouts.PublisherSubgroupTimeout(outbound.Track.Info, first);
                    }

                    if (!outbound.Forward || obj.Status == ObjectStatus.DoesNotExist)
                        continue;

                    // §"Delivery Timeouts and Data Reliability": an object past OBJECT_DELIVERY_TIMEOUT is not sent; its stream
                    // is reset with DELIVERY_TIMEOUT and no new stream is opened for the rest of the subgroup.
                    if (DeliveryTimeouts.IsExpired(obj, DeliveryTimeouts.Combine(outbound.ObjectDeliveryTimeout, publisherObjectTimeout.Value), _options.TimeProvider))
                    {
                        stream?.Reset((ulong)StreamResetCode.DeliveryTimeout);
                        Log.DeliveryTimeout(_logger, outbound.RequestId, group.GroupId, subgroup.SubgroupId, obj.ObjectId);
                        return;
                    }

                    bool opening = stream is null;
                    if (opening)
                    {
                        header = new W.SubgroupHeader
                        {
                            TrackAlias = outbound.TrackAlias,
                            GroupId = group.GroupId,
                            SubgroupIdMode = subgroup.SubgroupId == 0 ? W.SubgroupIdMode.Zero : W.SubgroupIdMode.Explicit,
                            SubgroupId = subgroup.SubgroupId,
                            PublisherPriority = subgroup.PublisherPriority == defaultPriority ? null : subgroup.PublisherPriority,
                            HasProperties = true,
                            FirstObject = subgroup.StartsAtSubgroupStart,
                        };
                        stream = await _transport.OpenUnidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
                        outbound.StreamOpened(stream, subgroup.PublisherPriority, group.GroupId, subgroup.SubgroupId);
                    }

                    await WriteSubgroupObjectAsync(stream!, opening ? header : null, header!, previous, obj, cancellationToken).ConfigureAwait(false);
                    previous = obj.ObjectId;
                }
                finally
                {
                    obj.Release();
                }
            }
        }
        catch (TransportStreamAbortedException)
        {
            // STOP_SENDING on this subgroup only (§"Closing Subgroup Streams"); the subscription goes on.
            stream?.Reset((ulong)StreamResetCode.Cancelled);
        }
        catch (OperationCanceledException) when (outbound.IsCancelled)
        {
            stream?.Reset((ulong)StreamResetCode.Cancelled);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The group went stale while a write waited for credit (§"Closing Subgroup Streams": TOO_FAR_BEHIND).
            stream?.Reset((ulong)StreamResetCode.TooFarBehind);
        }
        finally
        {
            if (stream is not null)
                outbound.StreamClosed(stream);
        }
    }

    /// <summary>
    /// SUBGROUP_DELIVERY_TIMEOUT (§"Delivery Timeouts and Data Reliability"): once the subgroup's FIN is written, a stream
    /// not fully delivered within <paramref name="timeout"/> (zero: none) is reset with DELIVERY_TIMEOUT.
    /// </summary>
    private async Task EnforceSubgroupDeliveryTimeoutAsync(ITransportSendStream stream, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero || stream.WritesClosed.IsCompleted)
            return;
        using var stopTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task timer = Task.Delay(timeout, _options.TimeProvider, stopTimer.Token);
        await Task.WhenAny(stream.WritesClosed, timer).ConfigureAwait(false);
        stopTimer.Cancel();
        if (timer.IsCompletedSuccessfully && !stream.WritesClosed.IsCompleted)
            stream.Reset((ulong)StreamResetCode.DeliveryTimeout);
    }

    /// <summary>
    /// Writes one object (after <paramref name="streamHeader"/> when it opens the stream) as one transport write: the
    /// headers are encoded into a pooled buffer (free again once the write completes: transports copy written bytes),
    /// and the payload goes by reference (<see cref="ITransportSendStream.WriteSharedAsync"/>), so a relay's QUIC send
    /// buffers hold the shared cached payload instead of a copy per subscriber.
    /// </summary>
    private static async ValueTask WriteSubgroupObjectAsync(
        ITransportSendStream stream, W.SubgroupHeader? streamHeader, W.SubgroupHeader header, ulong? previous, MoqtObject obj, CancellationToken cancellationToken)
    {
        var objectHeader = new W.SubgroupObjectHeader(obj.ObjectId, obj.Properties.ToWire(), (ulong)obj.Payload.Length, obj.Status);
        int prefixLength = streamHeader?.GetEncodedLength() ?? 0;
        int headerLength = objectHeader.GetEncodedLength(header, previous);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(prefixLength + headerLength);
        try
        {
            streamHeader?.Write(scratch);
            objectHeader.Write(scratch.AsSpan(prefixLength, headerLength), header, previous);
            await stream.WriteSharedAsync(scratch.AsMemory(0, prefixLength + headerLength), obj.Payload, false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private async Task SendDatagramsAsync(OutboundSubscription outbound, SubgroupConsumer subgroup, CancellationToken cancellationToken)
    {
        byte defaultPriority = outbound.Track.Info.PublisherPriority;
        try
        {
            while (true)
            {
                ObjectReadResult read = await subgroup.ReadObjectAsync(cancellationToken).ConfigureAwait(false);
                if (read.Status != ObjectReadStatus.Object)
                    return;
                MoqtObject obj = read.Object!;
                try
                {
                    if (!outbound.Forward || obj.Status == ObjectStatus.DoesNotExist)
                        continue;

                    // §"Delivery Timeouts and Data Reliability": a datagram past either timeout is dropped (for datagrams
                    // SUBGROUP_DELIVERY_TIMEOUT acts as OBJECT_DELIVERY_TIMEOUT; the smaller non-zero one applies).
                    TimeSpan objectTimeout = DeliveryTimeouts.Combine(outbound.ObjectDeliveryTimeout, DeliveryTimeouts.PublisherObjectTimeout(outbound.Track.Info, obj));
                    TimeSpan subgroupTimeout = DeliveryTimeouts.Combine(outbound.SubgroupDeliveryTimeout, DeliveryTimeouts.PublisherSubgroupTimeout(outbound.Track.Info, obj));
                    if (DeliveryTimeouts.IsExpired(obj, DeliveryTimeouts.Combine(objectTimeout, subgroupTimeout), _options.TimeProvider))
                        continue;
                    var datagram = new W.ObjectDatagram
                    {
                        TrackAlias = outbound.TrackAlias,
                        GroupId = obj.GroupId,
                        ObjectId = obj.ObjectId,
                        PublisherPriority = obj.PublisherPriority == defaultPriority ? null : obj.PublisherPriority,
                        Properties = obj.Properties.ToWire(),
                        Status = obj.Status == ObjectStatus.Normal ? null : obj.Status,
                        Payload = obj.Payload.Memory,
                    };
                    int length = datagram.GetEncodedLength();
                    if (length > _transport.MaxDatagramSize)
                        continue; // draft-19 §"Datagrams": too large objects are dropped without notice.
                    byte[] bytes = new byte[length];
                    datagram.Write(bytes);
                    _transport.SendDatagram(bytes);
                }
                finally
                {
                    obj.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // ---- Receiving: subgroup streams and datagrams for tracks we subscribed to (or were PUBLISHed).

    private async Task ReceiveSubgroupStreamAsync(StreamBuffer buffer)
    {
        W.SubgroupHeader header = await buffer.ReadHeaderAsync<W.SubgroupHeader>(W.SubgroupHeader.TryRead, "SUBGROUP_HEADER", SessionToken).ConfigureAwait(false);

        InboundTrack? inbound = await FindInboundAsync(header.TrackAlias).ConfigureAwait(false);
        if (inbound is null)
        {
            buffer.Stop((ulong)StreamResetCode.Cancelled);
            return;
        }

        lock (inbound.Sync)
        {
            if (inbound.Finished)
            {
                buffer.Stop((ulong)StreamResetCode.Cancelled);
                return;
            }

            inbound.OpenStreams++;
            inbound.StreamsSeen++;
        }

        SubgroupProducer? subgroup = null;
        try
        {
            GroupProducer group = inbound.Producer.GetOrCreateGroup(header.GroupId);
            byte priority = header.PublisherPriority ?? inbound.Producer.Info.PublisherPriority;
            if (header.SubgroupIdMode != W.SubgroupIdMode.FirstObjectId)
                subgroup = group.GetOrCreateSubgroup(header.SubgroupId, priority);

            ulong? previous = null;
            while (true)
            {
                W.SubgroupObjectHeader objectHeader;
                while (true)
                {
                    var reader = new SequenceReader<byte>(buffer.Data);
                    if (W.SubgroupObjectHeader.TryRead(ref reader, header, previous, out objectHeader))
                    {
                        buffer.Consume(reader.Consumed);
                        break;
                    }

                    if (!await buffer.FillAsync(SessionToken).ConfigureAwait(false))
                    {
                        if (buffer.Length != 0)
                            throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, "subgroup stream ended inside an object");
                        subgroup?.Complete();
                        if (header.EndOfGroup)
                            group.Complete();
                        return;
                    }
                }

                previous = objectHeader.ObjectId;
                subgroup ??= group.GetOrCreateSubgroup(objectHeader.ObjectId, priority);
                if (objectHeader.PayloadLength > (ulong)_options.MaxObjectSize)
                {
                    buffer.Stop((ulong)StreamResetCode.ExcessiveLoad);
                    subgroup.Abort(StreamResetCode.ExcessiveLoad);
                    return;
                }

                if (objectHeader.Status != ObjectStatus.Normal)
                {
                    subgroup.WriteStatus(objectHeader.ObjectId, objectHeader.Status);
                    continue;
                }

                MoqtPayload payload = await ReadPayloadAsync(buffer, (int)objectHeader.PayloadLength, _options.PayloadPool).ConfigureAwait(false);
                subgroup.Write(objectHeader.ObjectId, payload, objectHeader.Properties.ToModelProperties());
            }
        }
        catch (TransportStreamAbortedException e)
        {
            subgroup?.Abort((StreamResetCode)e.ErrorCode);
        }
        catch (InvalidOperationException) when (inbound.Producer.End is not null)
        {
            // The track ended (unsubscribed) while this stream was still arriving.
            buffer.Stop((ulong)StreamResetCode.Cancelled);
        }
        finally
        {
            lock (inbound.Sync)
                inbound.OpenStreams--;
            TryFinishInbound(inbound);
        }
    }

    /// <summary>
    /// Reads a payload into its own pooled buffer (the first bytes may already sit in the stream buffer); the consumers'
    /// last <see cref="MoqtPayload.Release"/> returns it. A new zeroed array per object was the receive side's largest
    /// cost (its clearing and the garbage collections it caused) with hundreds of subscriptions in one process.
    /// </summary>
    private static async Task<MoqtPayload> ReadPayloadAsync(StreamBuffer buffer, int length, ArrayPool<byte> pool)
    {
        if (length == 0)
            return MoqtPayload.Empty;
        MoqtPayload payload = MoqtPayload.Rent(length, pool);
        try
        {
            if (!await buffer.ReadExactlyAsync(payload.GetWritableMemory(), CancellationToken.None).ConfigureAwait(false))
                throw new W.MoqtProtocolException(W.MoqtErrorCode.ProtocolViolation, "stream ended inside an object payload");
        }
        catch
        {
            payload.Release();
            throw;
        }

        return payload;
    }

    private async Task DatagramLoopAsync()
    {
        try
        {
            while (!SessionToken.IsCancellationRequested)
            {
                ReadOnlyMemory<byte> bytes = await _transport.ReceiveDatagramAsync(SessionToken).ConfigureAwait(false);
                W.ObjectDatagram? datagram;
                try
                {
                    datagram = W.ObjectDatagram.Read(bytes);
                }
                catch (W.MoqtProtocolException e)
                {
                    Log.ProtocolViolation(_logger, e.Code, e.Reason);
                    await CloseAsync(e.Code, e.Reason).ConfigureAwait(false);
                    return;
                }

                // Padding, or an alias we do not know (§"Datagrams": MAY drop).
                if (datagram is null || !_inbound.TryGetValue(datagram.TrackAlias, out InboundTrack? inbound))
                    continue;
                try
                {
                    GroupProducer group = inbound.Producer.GetOrCreateGroup(datagram.GroupId);
                    MoqtPayload payload = datagram.Payload.IsEmpty ? MoqtPayload.Empty : MoqtPayload.Create(datagram.Payload.Span);
                    group.WriteDatagram(datagram.ObjectId, payload, datagram.Properties.ToModelProperties(), datagram.PublisherPriority,
                        datagram.Status ?? ObjectStatus.Normal);
                    if (datagram.EndOfGroup)
                        group.Complete();
                }
                catch (InvalidOperationException)
                {
                    // The track ended; late datagrams are dropped.
                }
            }
        }
        catch (Exception e) when (IsShutdown(e))
        {
        }
    }

    /// <summary>The session is gone: every received track ends aborted, every served one stops.</summary>
    private void OnSessionClosed()
    {
        foreach (InboundTrack inbound in _inbound.Values)
            AbortInbound(inbound, "session closed");
        foreach (OutboundSubscription outbound in _outbound.Values)
            outbound.Cancel((ulong)StreamResetCode.SessionClosed);
        OnSessionClosedFetches();
        OnSessionClosedNamespaces();
    }
}
