using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using MoqLive.Http3.Internal;
using MoqLive.Transport;
using MoqLive.Transport.Encoding;

namespace MoqLive.Http3.WebTransport;

/// <summary>
/// A WebTransport session over HTTP/3 (draft-ietf-webtrans-http3-02 as Chromium speaks it; NOTES.md §2),
/// exposed as an <see cref="ITransportSession"/> so MOQT runs on it unchanged. The session ID is the CONNECT
/// stream's ID; streams carry it in their header (0x54 uni, 0x41 bidi), datagrams as the quarter stream ID.
/// </summary>
/// <remarks>
/// The session ends when either side sends CLOSE_WEBTRANSPORT_SESSION or ends the CONNECT stream (draft-02 §5);
/// then every stream of the session is aborted with WEBTRANSPORT_SESSION_GONE and pending operations fail
/// with <see cref="TransportSessionClosedException"/>. Stream error codes are 32-bit application codes mapped
/// into the HTTP/3 space (draft-07 §4.3).
/// </remarks>
public sealed class WebTransportSession : ITransportSession
{
    private const int AcceptQueueCapacity = 64;

    private readonly Http3Connection _connection;
    private readonly Http3MessageReader _connectReader;
    private readonly Http3MessageWriter _connectWriter;
    private readonly Channel<ITransportStream> _bidirectional = Channel.CreateBounded<ITransportStream>(AcceptQueueCapacity);
    private readonly Channel<ITransportReceiveStream> _unidirectional = Channel.CreateBounded<ITransportReceiveStream>(AcceptQueueCapacity);
    private readonly Channel<ReadOnlyMemory<byte>> _datagrams;
    private long _datagramsDropped;
    private readonly TaskCompletionSource<TransportCloseInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _draining = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<object, byte> _streams = new();
    private readonly byte[] _datagramPrefix;
    private int _closing;
    // Set when we start closing: whichever path then terminates the session (our capsule write finishing, the
    // peer's FIN racing it, the connection ending), the close is ours, with our code and reason.
    private TransportCloseInfo? _localClose;

    // Cancelled when the session ends, so opens waiting for stream credit on the connection fail with the close.
    private readonly CancellationTokenSource _lifetime = new();

    internal WebTransportSession(Http3Connection connection, long sessionId, Http3MessageReader connectReader, Http3MessageWriter connectWriter, string? protocol)
    {
        _connection = connection;
        SessionId = sessionId;
        _connectReader = connectReader;
        _connectWriter = connectWriter;
        Protocol = protocol;
        _datagramPrefix = new byte[QuicVarInt.GetEncodedLength((ulong)sessionId / 4)];
        QuicVarInt.Write(_datagramPrefix, (ulong)sessionId / 4);

        // RFC 9221 §5: datagrams are unreliable, and a receiver may drop them when it cannot keep up. For live media
        // the newest datagram is worth the most, so a full queue drops its oldest entry (and counts it).
        _datagrams = Channel.CreateBounded<ReadOnlyMemory<byte>>(
            new BoundedChannelOptions(connection.Options.WebTransportDatagramQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleWriter = true,
            },
            _ => connection.OnWebTransportDatagramDropped(SessionId, Interlocked.Increment(ref _datagramsDropped)));
    }

    /// <summary>
    /// Received datagrams dropped because the application did not take them in time: the receive queue holds
    /// <see cref="Http3ConnectionOptions.WebTransportDatagramQueueCapacity"/> and drops its oldest entry when full.
    /// </summary>
    public long DatagramsDropped => Interlocked.Read(ref _datagramsDropped);

    /// <summary>The session ID: the stream ID of the extended CONNECT request.</summary>
    public long SessionId { get; }

    /// <inheritdoc/>
    public string? Protocol { get; }

    /// <inheritdoc/>
    public int MaxDatagramSize => Math.Max(0, _connection.Session.MaxDatagramSize - _datagramPrefix.Length);

    /// <inheritdoc/>
    public Task<TransportCloseInfo> Closed => _closed.Task;

    /// <summary>Completes when the peer asked to drain the session (DRAIN_WEBTRANSPORT_SESSION, draft-07 §4.6).</summary>
    public Task Draining => _draining.Task;

    /// <inheritdoc/>
    public async ValueTask<ITransportStream> OpenBidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        ITransportStream inner = await OpenInnerAsync(ct => _connection.Session.OpenBidirectionalStreamAsync(ct), cancellationToken).ConfigureAwait(false);
        await WriteHeaderAsync(inner, (ulong)Frames.Http3FrameType.WebTransportStream, cancellationToken).ConfigureAwait(false);
        var stream = new WebTransportBidirectionalStream(inner, new FrameStreamReader(inner));
        return Track(stream);
    }

    /// <inheritdoc/>
    public async ValueTask<ITransportSendStream> OpenUnidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        ITransportSendStream inner = await OpenInnerAsync(ct => _connection.Session.OpenUnidirectionalStreamAsync(ct), cancellationToken).ConfigureAwait(false);
        await WriteHeaderAsync(inner, (ulong)Http3StreamType.WebTransport, cancellationToken).ConfigureAwait(false);
        return Track(new WebTransportSendStream(inner));
    }

    /// <inheritdoc/>
    public async ValueTask<ITransportStream> AcceptBidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _bidirectional.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw ClosedException();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ITransportReceiveStream> AcceptUnidirectionalStreamAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _unidirectional.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw ClosedException();
        }
    }

    /// <inheritdoc/>
    public bool SendDatagram(ReadOnlySpan<byte> payload)
    {
        ThrowIfClosed();
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, MaxDatagramSize, nameof(payload));

        // RFC 9297 §2.1: Quarter Stream ID (i), then the payload.
        byte[] rented = ArrayPool<byte>.Shared.Rent(_datagramPrefix.Length + payload.Length);
        try
        {
            _datagramPrefix.CopyTo(rented, 0);
            payload.CopyTo(rented.AsSpan(_datagramPrefix.Length));
            return _connection.Session.SendDatagram(rented.AsSpan(0, _datagramPrefix.Length + payload.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveDatagramAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _datagrams.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw ClosedException();
        }
    }

    /// <summary>
    /// Closes the session: CLOSE_WEBTRANSPORT_SESSION with <paramref name="errorCode"/> (32 bits) and
    /// <paramref name="reason"/> (at most 1024 bytes of UTF-8), then FIN on the CONNECT stream (draft-02 §5).
    /// </summary>
    public async ValueTask CloseAsync(ulong errorCode, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(errorCode, uint.MaxValue);
        ArgumentNullException.ThrowIfNull(reason);
        if (_closed.Task.IsCompleted || Interlocked.Exchange(ref _closing, 1) != 0)
            return;

        var localClose = new TransportCloseInfo(errorCode, reason, ClosedByPeer: false);
        Volatile.Write(ref _localClose, localClose);

        // The capsule goes out before the session counts as closed, so whoever waits on Closed (a server handler
        // about to complete the response) cannot end the CONNECT stream ahead of it.
        try
        {
            if (!_connectWriter.IsCompleted)
                await _connectWriter.WriteDataAsync(Capsule.EncodeClose((uint)errorCode, reason), endStream: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TransportStreamAbortedException or TransportSessionClosedException or InvalidOperationException)
        {
            // The CONNECT stream is already gone; the session is closed either way.
        }
        finally
        {
            Terminate(localClose);
        }
    }

    /// <summary>Asks the peer to wrap up (DRAIN_WEBTRANSPORT_SESSION, draft-07 §4.6); the session stays usable.</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        await _connectWriter.WriteDataAsync(Capsule.EncodeDrain(), endStream: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => CloseAsync(0, string.Empty);

    /// <summary>
    /// Reads capsules from the CONNECT stream until the session ends. A malformed capsule stream (RFC 9297 §3.3:
    /// a truncated capsule at FIN, a capsule over the size limit, a CLOSE_WEBTRANSPORT_SESSION shorter than its code
    /// or with a message over 1024 bytes, a DRAIN with a payload, data after CLOSE_WEBTRANSPORT_SESSION) is a
    /// malformed message (RFC 9114 §4.1.2): the CONNECT stream is aborted with H3_MESSAGE_ERROR, which ends this
    /// session only; the connection and its other sessions go on.
    /// </summary>
    internal async Task RunAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        try
        {
            while (true)
            {
                int read = await _connectReader.ReadBodyAsync(buffer.GetMemory(4096), CancellationToken.None).ConfigureAwait(false);
                if (read == 0)
                {
                    // RFC 9297 §3.3: a clean end in the middle of a capsule is a malformed message.
                    if (buffer.WrittenCount > 0)
                        throw new Http3StreamErrorException(Http3ErrorCode.MessageError, $"The CONNECT stream ended inside a capsule ({buffer.WrittenCount} bytes left over).");

                    // draft-02 §5: a clean end without a capsule is a close with code 0.
                    OnPeerClosed(0, string.Empty);
                    return;
                }

                buffer.Advance(read);
                var sequence = new ReadOnlySequence<byte>(buffer.WrittenMemory);
                while (Capsule.TryRead(ref sequence, MaxCapsuleLength, out ulong type, out ReadOnlySequence<byte> value))
                {
                    if (type == Capsule.CloseWebTransportSession)
                    {
                        (uint code, string message) = Capsule.DecodeClose(value);

                        // draft-07 §5: data after CLOSE_WEBTRANSPORT_SESSION is H3_MESSAGE_ERROR.
                        if (!sequence.IsEmpty)
                            throw new Http3StreamErrorException(Http3ErrorCode.MessageError, "Data after CLOSE_WEBTRANSPORT_SESSION on the CONNECT stream.");
                        OnPeerClosed(code, message);
                        return;
                    }

                    if (type == Capsule.DrainWebTransportSession)
                    {
                        // draft-07 §4.6: Length = 0; RFC 9297 §3.3: extra bytes make the capsule malformed.
                        if (!value.IsEmpty)
                            throw new Http3StreamErrorException(Http3ErrorCode.MessageError, "DRAIN_WEBTRANSPORT_SESSION with a payload.");
                        _draining.TrySetResult();
                    }

                    // RFC 9297 §3.2: unknown capsule types are skipped.
                }

                byte[] rest = sequence.ToArray();
                buffer.Clear();
                buffer.Write(rest);
            }
        }
        catch (Http3StreamErrorException ex)
        {
            AbortConnectStream(ex);
        }
        catch (Exception ex) when (ex is TransportStreamAbortedException or TransportSessionClosedException or Http3Exception
            or Http3ConnectionErrorException or InvalidOperationException)
        {
            ulong code = ex switch
            {
                TransportSessionClosedException closed => closed.CloseInfo.ErrorCode,
                TransportStreamAbortedException aborted => aborted.ErrorCode,
                _ => 0,
            };
            Terminate(new TransportCloseInfo(code, ex.Message, ClosedByPeer: true, TransportError: ex.Message));
        }
    }

    // The largest capsule we take: a CLOSE_WEBTRANSPORT_SESSION is at most 4 + 1024 bytes, DRAIN is empty, and we
    // know no other capsule type, so anything much bigger is refused instead of buffered.
    private const int MaxCapsuleLength = 64 * 1024;

    // RFC 9114 §4.1.2: a malformed message on the CONNECT stream is a stream error; abort both halves with its code.
    private void AbortConnectStream(Http3StreamErrorException error)
    {
        _connection.OnWebTransportCapsuleError(SessionId, error);
        ConnectStreamAborted = true;
        if (_connectWriter.Stream is ITransportStream stream)
        {
            stream.Stop((ulong)error.ErrorCode);
            stream.Reset((ulong)error.ErrorCode);
        }

        Terminate(new TransportCloseInfo((ulong)error.ErrorCode, error.Message, ClosedByPeer: false, TransportError: error.Message));
    }

    /// <summary>True once the CONNECT stream was aborted for a malformed capsule stream: nothing more may be written on it.</summary>
    internal bool ConnectStreamAborted { get; private set; }

    /// <summary>The CONNECT stream's writer (tests write malformed capsules with it).</summary>
    internal Http3MessageWriter ConnectWriter => _connectWriter;

    internal bool TryEnqueue(ITransportStream stream)
    {
        if (!_bidirectional.Writer.TryWrite(Track(stream)))
            return false;
        return true;
    }

    internal bool TryEnqueue(ITransportReceiveStream stream)
    {
        if (!_unidirectional.Writer.TryWrite(Track(stream)))
            return false;
        return true;
    }

    internal void EnqueueDatagram(ReadOnlyMemory<byte> payload) => _datagrams.Writer.TryWrite(payload);

    /// <summary>The HTTP/3 connection ended under the session.</summary>
    internal void OnConnectionClosed(TransportCloseInfo info) => Terminate(info);

    private void OnPeerClosed(uint code, string message)
    {
        if (!Terminate(new TransportCloseInfo(code, message, ClosedByPeer: true)))
            return;

        // draft-02 §5: the recipient closes its side of the CONNECT stream.
        _ = CompleteConnectStreamAsync();
    }

    private async Task CompleteConnectStreamAsync()
    {
        try
        {
            await _connectWriter.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TransportStreamAbortedException or TransportSessionClosedException or InvalidOperationException)
        {
            // Gone already.
        }
    }

    // Marks the session closed once; aborts its streams and fails pending operations. False if already closed.
    private bool Terminate(TransportCloseInfo info)
    {
        if (!_closed.TrySetResult(Volatile.Read(ref _localClose) ?? info))
            return false;

        _connection.UnregisterWebTransportSession(this);
        _lifetime.Cancel();
        _bidirectional.Writer.TryComplete();
        _unidirectional.Writer.TryComplete();
        _datagrams.Writer.TryComplete();

        // Streams and datagrams queued but never accepted die with the session: drop them from the completed
        // channels so pending and later accepts fail with the close instead of handing out dead streams. Queued
        // streams are tracked, so the loop below aborts them.
        while (_bidirectional.Reader.TryRead(out _))
        {
        }

        while (_unidirectional.Reader.TryRead(out _))
        {
        }

        while (_datagrams.Reader.TryRead(out _))
        {
        }
        foreach (object stream in _streams.Keys)
        {
            if (stream is IWebTransportStream owned)
                owned.AbortedBySession = true;
            switch (stream)
            {
                case WebTransportBidirectionalStream bidi: bidi.AbortRaw(WebTransportErrorCodes.SessionGone); break;
                case WebTransportSendStream send: send.ResetRaw(WebTransportErrorCodes.SessionGone); break;
                case WebTransportReceiveStream receive: receive.StopRaw(WebTransportErrorCodes.SessionGone); break;
            }
        }

        _streams.Clear();
        return true;
    }

    private T Track<T>(T stream)
        where T : class
    {
        if (stream is IWebTransportStream owned)
            owned.Session = this;
        _streams.TryAdd(stream, 0);

        // Forget streams once finished, so a long session does not accumulate them.
        Task done = stream switch
        {
            WebTransportBidirectionalStream bidi => bidi.Done,
            WebTransportSendStream send => send.Done,
            WebTransportReceiveStream receive => receive.Done,
            _ => Task.CompletedTask,
        };
        done.ContinueWith((_, state) => _streams.TryRemove(state!, out byte _), stream, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return stream;
    }

    /// <summary>Streams of this session not yet finished (for tests that check nothing leaks).</summary>
    internal int TrackedStreamCount => _streams.Count;

    /// <summary>How the session ended, or null while it is open.</summary>
    internal TransportCloseInfo? CloseInfo => _closed.Task.IsCompleted ? _closed.Task.Result : null;

    private async ValueTask WriteHeaderAsync(ITransportSendStream inner, ulong type, CancellationToken cancellationToken)
    {
        var header = new byte[QuicVarInt.GetEncodedLength(type) + QuicVarInt.GetEncodedLength((ulong)SessionId)];
        int offset = QuicVarInt.Write(header, type);
        QuicVarInt.Write(header.AsSpan(offset), (ulong)SessionId);
        await inner.WriteAsync(header, false, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<T> OpenInnerAsync<T>(Func<CancellationToken, ValueTask<T>> open, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        try
        {
            return await open(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw ClosedException();
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed.Task.IsCompleted)
            throw ClosedException();
    }

    private TransportSessionClosedException ClosedException() => new(_closed.Task.Result);
}
