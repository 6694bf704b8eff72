using System.Net;
using MoqLive.Quic.Core;
using MoqLive.Quic.Internal;
using MoqLive.Quic.Streams;

namespace MoqLive.Quic;

/// <summary>The drive step: handle input → transmit → dispatch events → re-arm the timer.</summary>
public sealed partial class QuicConnection
{
    // Room kept free in a batch for the next datagram: more than the default MaxUdpPayloadSize; path MTU discovery may
    // need more (the core is given all the room left, and writes a larger probe only when it fits).
    private const int DatagramRoom = 2048;

    // Batches are assembled in a buffer per thread: filled and sent within one ProcessLocked, with no await between.
    [ThreadStatic]
    private static byte[]? t_sendBatch;

    // Readers to wake once ProcessReceived releases the lock (null outside it, or when the endpoint does not complete
    // reads inline), and the list reused for them (only the endpoint's receive thread calls ProcessReceived).
    private List<ReadWaiter>? _readersToWake;
    private List<ReadWaiter>? _wakeScratch;

    /// <summary>
    /// A datagram for this connection, from the endpoint's receive loop, which owns <paramref name="datagram"/> (it is
    /// decrypted in place) and calls <see cref="ProcessReceived"/> once its burst of datagrams is read.
    /// </summary>
    internal void OnDatagram(Span<byte> datagram, EndPoint remote)
    {
        lock (Sync)
        {
            if (_drained) return;
            try
            {
                _core.HandleDatagramInPlace(_endpoint.Now, remote, datagram);
            }
            finally
            {
                // Also after a failure, which closed the connection: ProcessReceived sends the CONNECTION_CLOSE.
                if (!_processDeferred)
                {
                    _processDeferred = true;
                    _endpoint.DeferProcessing(this);
                }
            }
        }
    }

    /// <summary>
    /// Sends what the datagrams given to <see cref="OnDatagram"/> since the last call produced: one ACK and one batch of
    /// data for a whole burst instead of a reply per datagram.
    /// </summary>
    internal void ProcessReceived()
    {
        List<ReadWaiter>? readers;
        lock (Sync)
        {
            _processDeferred = false;
            _readersToWake = _endpoint.CompletesReadsInline ? (_wakeScratch ??= []) : null;
            ProcessLocked();
            readers = _readersToWake;
            _readersToWake = null;
        }

        if (readers is null) return;
        // Outside the lock, on the endpoint's receive thread: each reader runs until its next wait (reading what arrived,
        // parsing it, handing it on) instead of being queued to the thread pool, one thread hop per read.
        foreach (var reader in readers) reader.Complete();
        readers.Clear();
    }

    /// <summary>
    /// Wakes the reader waiting on <paramref name="reader"/>: from <see cref="ProcessReceived"/> on an endpoint that
    /// completes reads inline, on the receive thread once the lock is released; otherwise through the thread pool.
    /// </summary>
    internal void WakeReaderLocked(ReadWaiter reader)
    {
        if (_readersToWake is null) reader.SetLocked();
        else if (reader.TakeLocked()) _readersToWake.Add(reader);
    }

    private void OnTimer()
    {
        lock (Sync)
        {
            if (_drained) return;
            _armed = null;
            var now = _endpoint.Now;
            // The endpoint's timer wheel may fire up to a slot early: then this only re-arms.
            if (_core.PollTimeout() is { } deadline && deadline <= now) _core.HandleTimeout(now);
            ProcessLocked();
        }
    }

    /// <summary>Sends everything the core has, dispatches its events and re-arms the timer. Call under <see cref="Sync"/> after every input.</summary>
    internal void ProcessLocked()
    {
        if (_drained) return;
        var now = _endpoint.Now;
        TransmitLocked(now);
        while (!_drained && _core.TryPollEvent(out var ev)) OnEvent(ev);
        if (_drained) return;
        UpdateRoutesLocked();
        ArmTimerLocked();
    }

    /// <summary>
    /// Sends every datagram the core has, in batches of equal-size datagrams (the last may be shorter) that the socket
    /// sends with one system call each (UDP GSO) when it can.
    /// </summary>
    private void TransmitLocked(Instant now)
    {
        int maxSegments = _endpoint.MaxSegments;
        byte[] batch = t_sendBatch ??= GC.AllocateUninitializedArray<byte>(64 * 1024);
        int length = 0, count = 0, segment = 0;
        EndPoint? destination = null;
        while (true)
        {
            if (count == maxSegments || batch.Length - length < Math.Max(DatagramRoom, _core.MaxUdpPayloadSize))
            {
                _endpoint.Send(batch.AsSpan(0, length), segment, destination!);
                length = count = 0;
            }

            if (!_core.PollTransmit(now, batch.AsSpan(length), out var transmit)) break;
            if (transmit.Size > _core.MaxUdpPayloadSize)
            {
                // A path MTU probe (RFC 9000 §14.4) goes alone, never as a GSO segment: a size the route refuses must
                // only lose the probe, not turn segmentation off for the socket.
                if (count > 0) _endpoint.Send(batch.AsSpan(0, length), segment, destination!);
                _endpoint.Send(batch.AsSpan(length, transmit.Size), transmit.Size, transmit.Destination);
                length = count = 0;
                continue;
            }
            if (count > 0 && (transmit.Size > segment || !Equals(transmit.Destination, destination)))
            {
                // It cannot join the batch: send the batch, and start the next one with it.
                _endpoint.Send(batch.AsSpan(0, length), segment, destination!);
                batch.AsSpan(length, transmit.Size).CopyTo(batch);
                length = count = 0;
            }

            if (count == 0)
            {
                segment = transmit.Size;
                destination = transmit.Destination;
            }

            length += transmit.Size;
            count++;
            if (transmit.Size < segment)
            {
                // A shorter datagram can only end a batch.
                _endpoint.Send(batch.AsSpan(0, length), segment, destination!);
                length = count = 0;
            }
        }

        if (count > 0) _endpoint.Send(batch.AsSpan(0, length), segment, destination!);
    }

    private void ArmTimerLocked()
    {
        var deadline = _core.PollTimeout();
        if (deadline == _armed) return;
        _armed = deadline;
        if (deadline is { } d) _endpoint.Timers.Schedule(_timer, d);
        else _endpoint.Timers.Cancel(_timer);
    }

    // The endpoint's routes follow the core's connection IDs, reset token and address; refreshing them takes the
    // endpoint-wide lock that every connection and the receive loop share, so only when the core says they changed.
    private void UpdateRoutesLocked()
    {
        int version = _core.RoutingVersion;
        if (version == _routedVersion) return;
        _routedVersion = version;
        _endpoint.Refresh(this);
    }

    private void OnEvent(ConnectionEvent ev)
    {
        switch (ev.Kind)
        {
            case ConnectionEventKind.Connected:
                Log.ConnectionEstablished(Logger, _logId, _core.RemoteAddress, _core.ApplicationProtocol);
                _connected.TrySetResult();
                if (_onEstablished is not null && !_onEstablished(this))
                {
                    Log.BacklogFull(Logger, _logId, _core.RemoteAddress);
                    _core.Close(_endpoint.Now, 0, "server busy");
                }
                break;
            case ConnectionEventKind.Stream:
                OnStreamEvent(ev.Stream);
                break;
            case ConnectionEventKind.DatagramReceived:
                _datagramSignal.Set();
                break;
            case ConnectionEventKind.ConnectionLost:
                OnConnectionLost(ev.Close!);
                break;
            case ConnectionEventKind.Drained:
                OnDrained();
                break;
        }
    }

    private void OnConnectionLost(ConnectionCloseInfo info)
    {
        if (_closeInfo is not null) return;
        _closeInfo = info;
        _closeException = QuicException.FromClose(info);
        LogClose(info);
        _connected.TrySetException(_closeException);
        _ = _connected.Task.Exception; // observed: a server connection may never be awaited
        _closed.TrySetResult(info);
        foreach (var stream in _streams.Values.ToList()) stream.OnConnectionClosedLocked(_closeException);
        _datagramSignal.Set();
        for (int i = 0; i < 2; i++)
        {
            _acceptSignal[i].Set();
            _openSignal[i].Set();
        }
    }

    // One log line per close, by kind (STYLE.md: log each error once, where it is handled).
    private void LogClose(ConnectionCloseInfo info)
    {
        var code = (TransportErrorCode)info.ErrorCode;
        if (info.Origin == CloseOrigin.IdleTimeout)
            Log.IdleTimeout(Logger, _logId, _core.RemoteAddress);
        else if (info.Origin == CloseOrigin.HandshakeTimeout)
            Log.HandshakeTimedOut(Logger, _core.RemoteAddress);
        else if (!info.IsApplicationError && code.IsCryptoError() && !_connected.Task.IsCompleted)
            Log.TlsHandshakeFailed(Logger, _logId, _core.RemoteAddress, info.Origin.ToString(), code.GetTlsAlert() ?? 0, info.Reason);
        else
            Log.ConnectionClosed(Logger, _logId, info.Origin.ToString(), info.IsApplicationError, info.ErrorCode, info.Reason);
    }

    private void OnDrained()
    {
        if (_drained) return;
        if (_closeInfo is null) OnConnectionLost(new ConnectionCloseInfo(CloseOrigin.Local, false, 0, 0, "drained"));
        _drained = true;
        _endpoint.Timers.Cancel(_timer);
        _endpoint.Refresh(this); // drained: the endpoint forgets its routes
        _endpoint.ReleaseUser();
        _drainedTcs.TrySetResult();
    }

    private void OnStreamEvent(StreamEvent se)
    {
        switch (se.Kind)
        {
            case StreamEventKind.Opened:
                int d = (int)se.Direction;
                while (_core.TryAcceptStream(se.Direction, out var id))
                {
                    var stream = new QuicStream(this, id, inbound: true);
                    _streams[id] = stream;
                    _incoming[d].Enqueue(stream);
                }
                _acceptSignal[d].Set();
                break;
            case StreamEventKind.Readable:
                if (_streams.TryGetValue(se.Id, out var r)) r.OnReadableLocked();
                break;
            case StreamEventKind.Writable:
                if (_streams.TryGetValue(se.Id, out var w)) w.OnWritableLocked();
                break;
            case StreamEventKind.Finished:
                if (_streams.TryGetValue(se.Id, out var f)) f.OnSendFinishedLocked();
                break;
            case StreamEventKind.Stopped:
                if (_streams.TryGetValue(se.Id, out var s)) s.OnStoppedLocked(se.ErrorCode);
                break;
            case StreamEventKind.Available:
                _openSignal[(int)se.Direction].Set();
                break;
        }
    }
}
