using MoqLive.Transport;

namespace MoqLive.Quic.Streams;

/// <summary>
/// All streams of a connection: ID allocation and stream limits (RFC 9000 §2.1, §4.6), connection-level flow control
/// in both directions (§4.1), the send scheduler, and the stream-related control frames owed to the peer.
/// </summary>
/// <remarks>
/// Drive it from the connection: feed received frames to the <c>On*</c> methods (they throw
/// <see cref="QuicProtocolException"/> on violations), ask <see cref="TryPollControlFrame"/> and
/// <see cref="TryPollStreamChunk"/> when building a packet, and report acknowledgements and losses back.
/// Application commands (open, write, read, reset, stop, priority) go directly here; events come out of
/// <see cref="TryPollEvent"/>.
/// </remarks>
internal sealed class StreamsState
{
    private readonly bool _isServer;
    private readonly StreamsOptions _options;
    private readonly Dictionary<StreamId, SendStream> _send = new();
    private readonly Dictionary<StreamId, RecvStream> _recv = new();
    private readonly StreamScheduler _scheduler = new();
    private readonly Func<StreamId, bool> _isSendable; // cached: HasSendableChunk runs for every packet built
    private readonly Queue<StreamEvent> _events = new();
    private readonly Queue<StreamId>[] _incoming = [new(), new()];
    private readonly HashSet<StreamId> _writeBlocked = new();
    private readonly HashSet<StreamId> _controlPending = new(); // streams with MAX_STREAM_DATA/RESET/STOP owed
    private readonly ulong[] _nextLocal = new ulong[2];     // next index we open, per direction
    private readonly ulong[] _maxLocal = new ulong[2];      // peer's MAX_STREAMS for us
    private readonly ulong[] _nextRemote = new ulong[2];    // count of peer streams opened (implicitly or not)
    private readonly ulong[] _maxRemote = new ulong[2];     // our MAX_STREAMS for the peer
    private readonly bool[] _maxRemotePending = new bool[2];
    private readonly bool[] _streamsBlockedPending = new bool[2];
    private readonly ulong[] _streamsBlockedReported = [ulong.MaxValue, ulong.MaxValue];
    private readonly bool[] _openBlocked = new bool[2];
    private PeerStreamLimits _peer = new();
    private bool _connectionBlocked; // a stream had new data but no connection credit
    private bool _maxDataPending;
    private ulong _unackedBuffered;

    public StreamsState(bool isServer, StreamsOptions options)
    {
        _isServer = isServer;
        _options = options;
        _isSendable = IsSendable;
        _maxRemote[0] = options.MaxIncomingBidiStreams;
        _maxRemote[1] = options.MaxIncomingUniStreams;
        ConnectionSendCredit = new SendCredit(0);
        ConnectionWindow = new ReceiveWindow(options.ConnectionReceiveWindow, options.MaxConnectionReceiveWindow);
    }

    /// <summary>The peer's MAX_DATA and our use of it.</summary>
    public SendCredit ConnectionSendCredit { get; }

    /// <summary>Our connection receive window (MAX_DATA we advertise).</summary>
    public ReceiveWindow ConnectionWindow { get; }

    public int SendStreamCount => _send.Count;

    public int RecvStreamCount => _recv.Count;

    /// <summary>True when stream data or stream control frames are waiting to be sent.</summary>
    public bool WantsToSend => HasControlFrames || (_scheduler.Count > 0 && HasSendableChunk());

    private bool HasControlFrames =>
        _controlPending.Count > 0 || _streamBlocked.Count > 0 || _maxDataPending || _maxRemotePending[0] || _maxRemotePending[1]
        || _streamsBlockedPending[0] || _streamsBlockedPending[1] || (ConnectionSendCredit.BlockedFramePending && _connectionBlocked);

    /// <summary>Applies the peer's transport parameters (initial limits).</summary>
    public void SetPeerLimits(PeerStreamLimits limits)
    {
        _peer = limits;
        ConnectionSendCredit.Update(limits.InitialMaxData);
        OnMaxStreams(StreamDirection.Bidirectional, limits.InitialMaxStreamsBidi, 0);
        OnMaxStreams(StreamDirection.Unidirectional, limits.InitialMaxStreamsUni, 0);
        foreach (var s in _send.Values) s.OnMaxStreamData(InitialSendCredit(s.Id));
    }

    // ---- application commands ----

    /// <summary>Opens a stream, or returns null when the peer's stream limit is reached (STREAMS_BLOCKED is queued).</summary>
    public StreamId? TryOpen(StreamDirection dir, StreamPriority priority = default)
    {
        int d = (int)dir;
        if (_nextLocal[d] >= _maxLocal[d])
        {
            if (_streamsBlockedReported[d] != _maxLocal[d]) _streamsBlockedPending[d] = true;
            _openBlocked[d] = true;
            return null;
        }
        var id = StreamId.Create(_isServer, dir, _nextLocal[d]++);
        _send.Add(id, new SendStream(id, InitialSendCredit(id), priority));
        if (dir == StreamDirection.Bidirectional) _recv.Add(id, NewRecvStream(id));
        return id;
    }

    /// <summary>Takes the next stream the peer opened, if any.</summary>
    public bool TryAccept(StreamDirection dir, out StreamId id) => _incoming[(int)dir].TryDequeue(out id);

    /// <summary>
    /// Buffers data on a stream. Returns how many bytes were accepted: writes stop at the stream's flow-control
    /// limit and at the connection's send buffer size; a <see cref="StreamEventKind.Writable"/> event follows when
    /// more can be written.
    /// </summary>
    public int Write(StreamId id, ReadOnlySpan<byte> data)
    {
        var s = GetWritable(id);
        int n = (int)Math.Min((ulong)data.Length, WriteRoom(s));
        ulong before = s.Buffered;
        n = s.Write(data[..n]);
        return Written(s, before, n, data.Length);
    }

    /// <summary>
    /// As <see cref="Write"/>, for bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>)
    /// of a shared buffer: the stream holds a reference to them instead of a copy.
    /// </summary>
    public int WriteShared(StreamId id, ISharedBuffer data, int offset, int length)
    {
        var s = GetWritable(id);
        int n = (int)Math.Min((ulong)length, WriteRoom(s));
        ulong before = s.Buffered;
        n = s.WriteShared(data, offset, n);
        return Written(s, before, n, length);
    }

    private SendStream GetWritable(StreamId id)
    {
        var s = GetSend(id);
        if (s.StopSendingErrorCode is { } code) throw new StreamStoppedException(code);
        return s;
    }

    // Writes stop at the stream's flow-control limit and at the connection's send buffer size.
    private ulong WriteRoom(SendStream s)
    {
        ulong streamRoom = s.Credit.Max > s.WriteOffset ? s.Credit.Max - s.WriteOffset : 0;
        ulong bufferRoom = _options.SendBufferSize > _unackedBuffered ? _options.SendBufferSize - _unackedBuffered : 0;
        return Math.Min(streamRoom, bufferRoom);
    }

    private int Written(SendStream s, ulong bufferedBefore, int written, int wanted)
    {
        _unackedBuffered += s.Buffered - bufferedBefore;
        if (written < wanted) _writeBlocked.Add(s.Id);
        if (written > 0) Schedule(s);
        return written;
    }

    /// <summary>
    /// The connection closed: every send stream drops its buffered data, returning pooled arrays and releasing shared
    /// buffers (RFC 9000 §10.2: no stream data is sent in the closing or draining state). Idempotent.
    /// </summary>
    public void ReleaseSendBuffers()
    {
        foreach (var s in _send.Values) s.ReleaseBuffers();
        _unackedBuffered = 0;
    }

    public void Finish(StreamId id)
    {
        var s = GetSend(id);
        if (s.StopSendingErrorCode is { } code) throw new StreamStoppedException(code);
        s.Finish();
        Schedule(s);
    }

    /// <summary>Resets the send side (RESET_STREAM); buffered data is released at once. No-op when already done.</summary>
    public void Reset(StreamId id, ulong errorCode)
    {
        if (!_send.TryGetValue(id, out var s)) return;
        ulong before = s.Buffered;
        if (!s.Reset(errorCode)) return;
        _unackedBuffered -= before;
        _scheduler.Remove(id);
        _writeBlocked.Remove(id);
        _controlPending.Add(id);
    }

    public void SetPriority(StreamId id, StreamPriority priority)
    {
        var s = GetSend(id);
        s.Priority = priority;
        _scheduler.ChangePriority(id, priority);
    }

    public StreamPriority GetPriority(StreamId id) => GetSend(id).Priority;

    /// <summary>Reads contiguous data; see <see cref="RecvStream.Read"/>. Queues MAX_STREAM_DATA / MAX_DATA as windows open.</summary>
    public int Read(StreamId id, Span<byte> destination, out bool fin)
    {
        var r = GetRecv(id);
        int n;
        try
        {
            n = r.Read(destination, out fin);
        }
        catch (StreamResetException)
        {
            TryRemove(id);
            throw;
        }
        if (n > 0)
        {
            ConnectionWindow.OnConsumed((ulong)n);
            if (ConnectionWindow.ShouldSendUpdate) _maxDataPending = true;
        }
        if (r.MaxStreamDataPending) _controlPending.Add(id);
        if (fin) TryRemove(id);
        return n;
    }

    /// <summary>Stops reading (STOP_SENDING); unread data is discarded and its credit returned to the connection.</summary>
    public void Stop(StreamId id, ulong errorCode)
    {
        if (!_recv.TryGetValue(id, out var r) || !r.Stop(errorCode)) return;
        ConnectionWindow.OnConsumed(r.ReleaseUnread());
        if (ConnectionWindow.ShouldSendUpdate) _maxDataPending = true;
        if (r.StopSendingPending) _controlPending.Add(id);
        TryRemove(id);
    }

    public bool TryPollEvent(out StreamEvent ev) => _events.TryDequeue(out ev);

    public SendStream? FindSend(StreamId id) => _send.GetValueOrDefault(id);

    public RecvStream? FindRecv(StreamId id) => _recv.GetValueOrDefault(id);

    // ---- frames from the peer ----

    /// <summary>STREAM frame (RFC 9000 §19.8).</summary>
    public void OnStreamFrame(StreamId id, ulong offset, ReadOnlySpan<byte> data, bool fin, ulong frameType)
    {
        var r = GetOrOpenRecv(id, frameType);
        if (r is null) return; // closed stream: retransmission of old data
        bool wasReadable = r.IsReadable;
        ulong delta = r.OnStreamFrame(offset, data, fin, frameType);
        ChargeConnection(delta, frameType);
        if (r.StopErrorCode.HasValue)
        {
            ReleaseConnection(delta); // dropped data still returns its credit
            TryRemove(id);
            return;
        }
        if (!wasReadable && r.IsReadable) _events.Enqueue(new StreamEvent(StreamEventKind.Readable, id));
    }

    /// <summary>RESET_STREAM (§19.4).</summary>
    public void OnResetStream(StreamId id, ulong errorCode, ulong finalSize, ulong frameType)
    {
        if (IsLocalUni(id)) throw StreamState(frameType, $"RESET_STREAM for send-only stream {id}");
        var r = GetOrOpenRecv(id, frameType);
        if (r is null) return;
        ulong delta = r.OnResetStream(errorCode, finalSize, frameType);
        ChargeConnection(delta, frameType);
        if (r.State == RecvStreamState.ResetRecvd || r.StopErrorCode.HasValue)
        {
            ReleaseConnection(r.ReleaseUnread());
            if (r.StopErrorCode.HasValue) { TryRemove(id); return; }
            _events.Enqueue(new StreamEvent(StreamEventKind.Readable, id));
        }
    }

    /// <summary>STOP_SENDING (§19.5): the send side is reset with the peer's code.</summary>
    public void OnStopSending(StreamId id, ulong errorCode, ulong frameType)
    {
        if (IsRemoteUni(id)) throw StreamState(frameType, $"STOP_SENDING for receive-only stream {id}");
        var s = GetOrOpenSend(id, frameType);
        if (s is null) return;
        ulong before = s.Buffered;
        bool wasOpen = s.State is not (SendStreamState.ResetSent or SendStreamState.ResetRecvd or SendStreamState.DataRecvd);
        if (!s.OnStopSending(errorCode)) return;
        if (wasOpen)
        {
            _unackedBuffered -= before;
            _scheduler.Remove(id);
            _writeBlocked.Remove(id);
            _controlPending.Add(id);
        }
        _events.Enqueue(new StreamEvent(StreamEventKind.Stopped, id, id.Direction, errorCode));
    }

    /// <summary>MAX_STREAM_DATA (§19.10).</summary>
    public void OnMaxStreamData(StreamId id, ulong max, ulong frameType)
    {
        if (IsRemoteUni(id)) throw StreamState(frameType, $"MAX_STREAM_DATA for receive-only stream {id}");
        var s = GetOrOpenSend(id, frameType);
        if (s is null || !s.OnMaxStreamData(max)) return;
        if (s.HasDataToSend) Schedule(s);
        if (_writeBlocked.Remove(id)) _events.Enqueue(new StreamEvent(StreamEventKind.Writable, id));
    }

    /// <summary>STREAM_DATA_BLOCKED (§19.13): only validated; our windows are driven by reads.</summary>
    public void OnStreamDataBlocked(StreamId id, ulong frameType)
    {
        if (IsLocalUni(id)) throw StreamState(frameType, $"STREAM_DATA_BLOCKED for send-only stream {id}");
        GetOrOpenRecv(id, frameType);
    }

    /// <summary>MAX_DATA (§19.9).</summary>
    public void OnMaxData(ulong max)
    {
        if (!ConnectionSendCredit.Update(max)) return;
        _connectionBlocked = false;
        foreach (var s in _send.Values)
        {
            if (s.HasDataToSend) Schedule(s);
        }
    }

    /// <summary>MAX_STREAMS (§19.11).</summary>
    public void OnMaxStreams(StreamDirection dir, ulong max, ulong frameType)
    {
        if (max > MaxStreamCount)
            throw new QuicProtocolException(TransportErrorCode.FrameEncodingError, frameType, "MAX_STREAMS above 2^60");
        int d = (int)dir;
        if (max <= _maxLocal[d]) return;
        _maxLocal[d] = max;
        if (_openBlocked[d])
        {
            _openBlocked[d] = false;
            _events.Enqueue(new StreamEvent(StreamEventKind.Available, default, dir));
        }
    }

    /// <summary>STREAMS_BLOCKED (§19.14): validated only.</summary>
    public void OnStreamsBlocked(ulong max, ulong frameType)
    {
        if (max > MaxStreamCount)
            throw new QuicProtocolException(TransportErrorCode.FrameEncodingError, frameType, "STREAMS_BLOCKED above 2^60");
    }

    // ---- transmit ----

    /// <summary>Next stream control frame to send, if any. The frame is considered sent.</summary>
    public bool TryPollControlFrame(Instant now, TimeSpan rtt, out StreamControlFrame frame)
    {
        if (_maxDataPending)
        {
            _maxDataPending = false;
            frame = new StreamControlFrame(StreamControlKind.MaxData, default, ConnectionWindow.NextLimit(now, rtt));
            return true;
        }
        for (int d = 0; d < 2; d++)
        {
            if (_maxRemotePending[d])
            {
                _maxRemotePending[d] = false;
                frame = new StreamControlFrame(d == 0 ? StreamControlKind.MaxStreamsBidi : StreamControlKind.MaxStreamsUni, default, _maxRemote[d]);
                return true;
            }
            if (_streamsBlockedPending[d])
            {
                _streamsBlockedPending[d] = false;
                _streamsBlockedReported[d] = _maxLocal[d];
                frame = new StreamControlFrame(d == 0 ? StreamControlKind.StreamsBlockedBidi : StreamControlKind.StreamsBlockedUni, default, _maxLocal[d]);
                return true;
            }
        }
        while (_controlPending.Count > 0)
        {
            var id = _controlPending.First();
            if (_send.TryGetValue(id, out var s) && s.ResetPending)
            {
                s.OnResetSent();
                frame = new StreamControlFrame(StreamControlKind.ResetStream, id, s.ResetErrorCode!.Value, s.FinalSize);
                return true;
            }
            if (_recv.TryGetValue(id, out var r))
            {
                if (r.StopSendingPending)
                {
                    r.OnStopSendingSent();
                    frame = new StreamControlFrame(StreamControlKind.StopSending, id, r.StopErrorCode!.Value);
                    return true;
                }
                if (r.MaxStreamDataPending)
                {
                    frame = new StreamControlFrame(StreamControlKind.MaxStreamData, id, r.TakeMaxStreamData(now, rtt));
                    return true;
                }
            }
            _controlPending.Remove(id);
        }
        while (_streamBlocked.Count > 0)
        {
            var id = _streamBlocked.First();
            _streamBlocked.Remove(id);
            if (_send.TryGetValue(id, out var s) && s.IsBlockedByStreamLimit && s.Credit.BlockedFramePending)
            {
                s.Credit.OnBlockedFrameSent();
                frame = new StreamControlFrame(StreamControlKind.StreamDataBlocked, id, s.Credit.Max);
                return true;
            }
        }
        if (ConnectionSendCredit.BlockedFramePending && _connectionBlocked)
        {
            ConnectionSendCredit.OnBlockedFrameSent();
            frame = new StreamControlFrame(StreamControlKind.DataBlocked, default, ConnectionSendCredit.Max);
            return true;
        }
        frame = default;
        return false;
    }

    /// <summary>A control frame was lost: queue it again if it still matters (RFC 9000 §13.3).</summary>
    public void OnControlFrameLost(in StreamControlFrame f)
    {
        switch (f.Kind)
        {
            case StreamControlKind.MaxData:
                if (f.Value == ConnectionWindow.MaxAdvertised) _maxDataPending = true;
                break;
            case StreamControlKind.MaxStreamsBidi:
            case StreamControlKind.MaxStreamsUni:
                int d = f.Kind == StreamControlKind.MaxStreamsBidi ? 0 : 1;
                if (f.Value == _maxRemote[d]) _maxRemotePending[d] = true;
                break;
            case StreamControlKind.StreamsBlockedBidi:
            case StreamControlKind.StreamsBlockedUni:
                int b = f.Kind == StreamControlKind.StreamsBlockedBidi ? 0 : 1;
                if (f.Value == _maxLocal[b] && _nextLocal[b] >= _maxLocal[b]) { _streamsBlockedPending[b] = true; }
                break;
            case StreamControlKind.DataBlocked:
                if (f.Value == ConnectionSendCredit.Max) ConnectionSendCredit.OnBlockedFrameLost();
                break;
            case StreamControlKind.StreamDataBlocked:
                if (_send.TryGetValue(f.StreamId, out var sb) && f.Value == sb.Credit.Max)
                {
                    sb.Credit.OnBlockedFrameLost();
                    _streamBlocked.Add(f.StreamId);
                }
                break;
            case StreamControlKind.ResetStream:
                if (_send.TryGetValue(f.StreamId, out var s)) { s.OnResetLost(); _controlPending.Add(f.StreamId); }
                break;
            case StreamControlKind.StopSending:
                if (_recv.TryGetValue(f.StreamId, out var r))
                {
                    r.OnStopSendingLost();
                    if (r.StopSendingPending) _controlPending.Add(f.StreamId);
                }
                break;
            case StreamControlKind.MaxStreamData:
                if (_recv.TryGetValue(f.StreamId, out var m) && f.Value == m.Window.MaxAdvertised)
                {
                    m.OnMaxStreamDataLost();
                    _controlPending.Add(f.StreamId);
                }
                break;
        }
    }

    /// <summary>A control frame was acknowledged.</summary>
    public void OnControlFrameAcked(in StreamControlFrame f)
    {
        if (f.Kind == StreamControlKind.ResetStream && _send.TryGetValue(f.StreamId, out var s))
        {
            s.OnResetAcked();
            TryRemove(f.StreamId);
        }
    }

    /// <summary>
    /// Picks the next STREAM frame payload (by priority, round-robin among equals) of at most <paramref name="maxLength"/>
    /// bytes. The caller encodes it and copies the data with <see cref="CopyData"/>.
    /// </summary>
    public bool TryPollStreamChunk(int maxLength, out StreamChunk chunk)
    {
        while (_scheduler.TryPeek(out var id))
        {
            if (!_send.TryGetValue(id, out var s))
            {
                _scheduler.Remove(id);
                continue;
            }
            if (s.TryPollChunk(maxLength, ConnectionSendCredit.Available, out chunk, out ulong newBytes))
            {
                ConnectionSendCredit.Consume(newBytes);
                if (s.HasDataToSend && (ConnectionSendCredit.Available > 0 || !OnlyNewData(s))) _scheduler.Rotate(id);
                else
                {
                    _scheduler.Remove(id);
                    if (s.HasDataToSend) _connectionBlocked = true;
                }
                return true;
            }
            _scheduler.Remove(id);
            if (s.IsBlockedByStreamLimit) _streamBlocked.Add(id);
            else if (s.HasDataToSend) _connectionBlocked = true;
            if (maxLength <= 0) break;
        }
        chunk = default;
        return false;
    }

    public void CopyData(in StreamChunk chunk, Span<byte> destination) => _send[chunk.Id].CopyData(chunk.Offset, destination);

    public void OnChunkAcked(in StreamChunk chunk)
    {
        if (!_send.TryGetValue(chunk.Id, out var s)) return;
        ulong before = s.Buffered;
        bool done = s.OnChunkAcked(chunk.Offset, chunk.Length, chunk.Fin);
        ulong freed = before - s.Buffered;
        if (freed > 0)
        {
            _unackedBuffered -= freed;
            if (_writeBlocked.Count > 0)
            {
                foreach (var w in _writeBlocked) _events.Enqueue(new StreamEvent(StreamEventKind.Writable, w));
                _writeBlocked.Clear();
            }
        }
        if (done)
        {
            _events.Enqueue(new StreamEvent(StreamEventKind.Finished, chunk.Id));
            TryRemove(chunk.Id);
        }
    }

    public void OnChunkLost(in StreamChunk chunk)
    {
        if (!_send.TryGetValue(chunk.Id, out var s)) return;
        s.OnChunkLost(chunk.Offset, chunk.Length, chunk.Fin);
        if (s.HasDataToSend) Schedule(s);
    }

    // ---- internals ----

    private readonly HashSet<StreamId> _streamBlocked = new(); // streams that may owe STREAM_DATA_BLOCKED

    private bool HasSendableChunk() => _scheduler.Any(_isSendable);

    private bool IsSendable(StreamId id) =>
        _send.TryGetValue(id, out var s) && s.HasDataToSend && (ConnectionSendCredit.Available > 0 || !OnlyNewData(s));

    private static bool OnlyNewData(SendStream s) => !s.HasRetransmitsOrFin;

    private void Schedule(SendStream s)
    {
        if (s.HasDataToSend) _scheduler.Enqueue(s.Id, s.Priority);
    }

    private void ChargeConnection(ulong delta, ulong frameType)
    {
        if (delta == 0) return;
        ConnectionWindow.OnReceived(ConnectionWindow.Received + delta, frameType);
    }

    private void ReleaseConnection(ulong bytes)
    {
        if (bytes == 0) return;
        ConnectionWindow.OnConsumed(bytes);
        if (ConnectionWindow.ShouldSendUpdate) _maxDataPending = true;
    }

    private ulong InitialSendCredit(StreamId id) =>
        id.Direction == StreamDirection.Unidirectional ? _peer.InitialMaxStreamDataUni
        : id.IsInitiatedBy(_isServer) ? _peer.InitialMaxStreamDataBidiRemote
        : _peer.InitialMaxStreamDataBidiLocal;

    private RecvStream NewRecvStream(StreamId id) => new(id, _options.StreamReceiveWindow, _options.MaxStreamReceiveWindow);

    private bool IsLocalUni(StreamId id) => id.Direction == StreamDirection.Unidirectional && id.IsInitiatedBy(_isServer);

    private bool IsRemoteUni(StreamId id) => id.Direction == StreamDirection.Unidirectional && !id.IsInitiatedBy(_isServer);

    private SendStream GetSend(StreamId id) =>
        _send.TryGetValue(id, out var s) ? s : throw new InvalidOperationException($"stream {id} has no open send side");

    private RecvStream GetRecv(StreamId id) =>
        _recv.TryGetValue(id, out var r) ? r : throw new InvalidOperationException($"stream {id} has no open receive side");

    /// <summary>
    /// Finds the receive side for a frame, opening peer streams implicitly (§3.2). Returns null for streams that
    /// existed and were closed. Throws STREAM_STATE_ERROR / STREAM_LIMIT_ERROR.
    /// </summary>
    private RecvStream? GetOrOpenRecv(StreamId id, ulong frameType)
    {
        if (_recv.TryGetValue(id, out var r)) return r;
        if (IsLocalUni(id)) throw StreamState(frameType, $"frame for send-only stream {id}");
        if (!OpenRemoteIfNeeded(id, frameType)) return null;
        return _recv.GetValueOrDefault(id);
    }

    private SendStream? GetOrOpenSend(StreamId id, ulong frameType)
    {
        if (_send.TryGetValue(id, out var s)) return s;
        if (!OpenRemoteIfNeeded(id, frameType)) return null;
        return _send.GetValueOrDefault(id);
    }

    // Returns false when the stream is known and already closed.
    private bool OpenRemoteIfNeeded(StreamId id, ulong frameType)
    {
        int d = (int)id.Direction;
        if (id.IsInitiatedBy(_isServer))
        {
            if (id.Index >= _nextLocal[d]) throw StreamState(frameType, $"frame for stream {id} we have not opened");
            return false;
        }
        if (id.Index < _nextRemote[d]) return false;
        if (id.Index >= _maxRemote[d])
            throw new QuicProtocolException(TransportErrorCode.StreamLimitError, frameType,
                $"peer opened stream {id} beyond the limit of {_maxRemote[d]}");
        // §3.2: opening a stream opens all lower-numbered streams of the same type.
        for (ulong i = _nextRemote[d]; i <= id.Index; i++)
        {
            var sid = StreamId.Create(!_isServer, id.Direction, i);
            _recv.Add(sid, NewRecvStream(sid));
            if (id.Direction == StreamDirection.Bidirectional) _send.Add(sid, new SendStream(sid, InitialSendCredit(sid), default));
            _incoming[d].Enqueue(sid);
            _events.Enqueue(new StreamEvent(StreamEventKind.Opened, sid, id.Direction));
        }
        _nextRemote[d] = id.Index + 1;
        return true;
    }

    /// <summary>Forgets a stream once both halves are done; for peer streams this grants a new one (MAX_STREAMS).</summary>
    private void TryRemove(StreamId id)
    {
        bool sendDone = !_send.TryGetValue(id, out var s) || s.IsClosed;
        bool recvDone = !_recv.TryGetValue(id, out var r) || r.IsClosed;
        if (!sendDone || !recvDone) return;
        bool existed = _send.Remove(id) | _recv.Remove(id);
        _scheduler.Remove(id);
        _writeBlocked.Remove(id);
        _controlPending.Remove(id);
        _streamBlocked.Remove(id);
        if (existed && !id.IsInitiatedBy(_isServer))
        {
            int d = (int)id.Direction;
            _maxRemote[d]++;
            _maxRemotePending[d] = true;
        }
    }

    private static QuicProtocolException StreamState(ulong frameType, string reason) =>
        new(TransportErrorCode.StreamStateError, frameType, reason);

    private const ulong MaxStreamCount = 1UL << 60;
}
