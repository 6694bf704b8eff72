using System.Buffers;
using MoqLive.Http3.Frames;
using MoqLive.Http3.Internal;
using MoqLive.Http3.QPack;
using MoqLive.Transport;
using MoqLive.Transport.Encoding;

namespace MoqLive.Http3;

// Control stream, SETTINGS, GOAWAY and the peer's other unidirectional streams (RFC 9114 §6.2, §7.2).
public sealed partial class Http3Connection
{
    private readonly SemaphoreSlim _controlWriteLock = new(1, 1);
    private ITransportSendStream? _controlStream;
    private int _peerControlStreamSeen;
    private int _peerEncoderStreamSeen;
    private int _peerDecoderStreamSeen;
    private ulong? _maxPushIdReceived;

    /// <summary>The SETTINGS we send: ours, then <see cref="Http3ConnectionOptions.AdditionalSettings"/>, then GREASE.</summary>
    internal List<KeyValuePair<ulong, ulong>> BuildLocalSettings()
    {
        var settings = new List<KeyValuePair<ulong, ulong>>
        {
            // RFC 9204 §5: both default to 0; stating them costs 4 bytes and documents the choice.
            new(Http3SettingId.QPackMaxTableCapacity, 0),
            new(Http3SettingId.QPackBlockedStreams, 0),
            new(Http3SettingId.MaxFieldSectionSize, (ulong)_options.MaxFieldSectionSize),
        };
        settings.AddRange(_options.AdditionalSettings);
        if (_options.SendGreaseSetting)
        {
            // RFC 9114 §7.2.4.1: 0x1f * N + 0x21, any value; avoid colliding with configured identifiers.
            ulong id = (0x1fUL * (ulong)Random.Shared.Next(1, 1000)) + 0x21;
            if (!_options.AdditionalSettings.ContainsKey(id))
                settings.Add(new(id, (ulong)Random.Shared.Next(0, 1 << 16)));
        }

        return settings;
    }

    private async ValueTask OpenControlStreamAsync(CancellationToken cancellationToken)
    {
        ITransportSendStream stream = await _session.OpenUnidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(64);
        QuicVarInt.Write(buffer, (ulong)Http3StreamType.Control);
        Http3FrameWriter.WriteSettings(buffer, BuildLocalSettings());

        await _controlWriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _controlStream = stream;
            await stream.WriteAsync(buffer.WrittenMemory, false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _controlWriteLock.Release();
        }
    }

    private async ValueTask WriteControlFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _controlWriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_controlStream is null)
                throw new InvalidOperationException("The connection was not started.");
            await _controlStream.WriteAsync(frame, false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _controlWriteLock.Release();
        }
    }

    private async Task AcceptUnidirectionalStreamsAsync()
    {
        CancellationToken cancellationToken = _cts.Token;
        try
        {
            while (true)
            {
                ITransportReceiveStream stream = await _session.AcceptUnidirectionalStreamAsync(cancellationToken).ConfigureAwait(false);
                // Started inline: the stream header is parsed right away when it is already here, so streams reach
                // their consumers (e.g. a WebTransport session) in the order they were accepted.
                Task task = HandleUnidirectionalStreamAsync(stream, cancellationToken);
                TrackTask(task);
            }
        }
        catch (Exception ex) when (ex is TransportSessionClosedException or OperationCanceledException)
        {
            // The session ended: nothing more to accept.
        }
    }

    private async Task HandleUnidirectionalStreamAsync(ITransportReceiveStream stream, CancellationToken cancellationToken)
    {
        var reader = new FrameStreamReader(stream);
        try
        {
            // §6.2: a stream may be closed or reset before its type arrives; that is tolerated.
            if (await reader.ReadVarIntAsync(cancellationToken).ConfigureAwait(false) is not { } type)
                return;

            switch (type)
            {
                case (ulong)Http3StreamType.Control:
                    if (Interlocked.Exchange(ref _peerControlStreamSeen, 1) != 0)
                        throw new Http3ConnectionErrorException(Http3ErrorCode.StreamCreationError, "A second control stream (§6.2.1).");
                    await ReadControlStreamAsync(reader, cancellationToken).ConfigureAwait(false);
                    break;
                case (ulong)Http3StreamType.Push when IsServer:
                    throw new Http3ConnectionErrorException(Http3ErrorCode.StreamCreationError, "A client opened a push stream (§6.2.2).");
                case (ulong)Http3StreamType.Push:
                    // §4.6: we never sent MAX_PUSH_ID, so any push ID exceeds the maximum.
                    throw new Http3ConnectionErrorException(Http3ErrorCode.IdError, "A push stream although no push was allowed.");
                case (ulong)Http3StreamType.QPackEncoder:
                    if (Interlocked.Exchange(ref _peerEncoderStreamSeen, 1) != 0)
                        throw new Http3ConnectionErrorException(Http3ErrorCode.StreamCreationError, "A second QPACK encoder stream (RFC 9204 §4.2).");
                    await ReadQPackStreamAsync(reader, encoder: true, cancellationToken).ConfigureAwait(false);
                    break;
                case (ulong)Http3StreamType.QPackDecoder:
                    if (Interlocked.Exchange(ref _peerDecoderStreamSeen, 1) != 0)
                        throw new Http3ConnectionErrorException(Http3ErrorCode.StreamCreationError, "A second QPACK decoder stream (RFC 9204 §4.2).");
                    await ReadQPackStreamAsync(reader, encoder: false, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    if (await TryHandleExtensionStreamAsync(type, reader, cancellationToken).ConfigureAwait(false))
                        break;

                    // §6.2: unknown types (GREASE included) are never a connection error; abort reading.
                    Log.UnknownStreamType(_logger, stream.Id, type);
                    stream.Stop((ulong)Http3ErrorCode.StreamCreationError);
                    break;
            }
        }
        catch (Http3ConnectionErrorException ex)
        {
            await AbortAsync(ex).ConfigureAwait(false);
        }
        catch (TransportStreamAbortedException ex)
        {
            if (IsCriticalStream(reader) && !IsClosing)
            {
                await AbortAsync(new Http3ConnectionErrorException(Http3ErrorCode.ClosedCriticalStream,
                    $"The peer reset a critical stream (code 0x{ex.ErrorCode:x}).")).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is TransportSessionClosedException or OperationCanceledException)
        {
            // The connection is ending.
        }
    }

    private bool IsCriticalStream(FrameStreamReader reader) => _criticalStreams.Contains(reader);

    private readonly HashSet<FrameStreamReader> _criticalStreams = [];

    private void MarkCritical(FrameStreamReader reader)
    {
        lock (_criticalStreams)
            _criticalStreams.Add(reader);
    }

    private Http3ConnectionErrorException CriticalStreamClosed(string name) =>
        new(Http3ErrorCode.ClosedCriticalStream, $"The peer closed its {name} stream (§6.2.1).");

    private async ValueTask ReadControlStreamAsync(FrameStreamReader reader, CancellationToken cancellationToken)
    {
        MarkCritical(reader);
        bool first = true;
        while (true)
        {
            if (await reader.ReadFrameHeaderAsync(cancellationToken).ConfigureAwait(false) is not { } header)
            {
                if (IsClosing)
                    return;
                throw CriticalStreamClosed("control");
            }

            (ulong type, ulong length) = header;
            if (first && type != (ulong)Http3FrameType.Settings)
                throw new Http3ConnectionErrorException(Http3ErrorCode.MissingSettings, $"The control stream starts with frame type 0x{type:x}, not SETTINGS (§6.2.1).");

            switch (type)
            {
                case (ulong)Http3FrameType.Settings when first:
                    {
                        byte[] payload = await ReadControlPayloadAsync(reader, type, length, cancellationToken).ConfigureAwait(false);
                        Dictionary<ulong, ulong> settings = SettingsFrame.Parse(new ReadOnlySequence<byte>(payload));
                        Log.PeerSettingsReceived(_logger, settings.Count);
                        _peerSettings.TrySetResult(settings);
                        break;
                    }

                case (ulong)Http3FrameType.Settings:
                    throw new Http3ConnectionErrorException(Http3ErrorCode.FrameUnexpected, "A second SETTINGS frame (§7.2.4).");
                case (ulong)Http3FrameType.GoAway:
                    {
                        byte[] payload = await ReadControlPayloadAsync(reader, type, length, cancellationToken).ConfigureAwait(false);
                        HandleGoAway(Http3FrameReader.ReadSingleVarInt(new ReadOnlySequence<byte>(payload), "GOAWAY"));
                        break;
                    }

                case (ulong)Http3FrameType.MaxPushId when !IsServer:
                    throw new Http3ConnectionErrorException(Http3ErrorCode.FrameUnexpected, "A server sent MAX_PUSH_ID (§7.2.7).");
                case (ulong)Http3FrameType.MaxPushId:
                    {
                        byte[] payload = await ReadControlPayloadAsync(reader, type, length, cancellationToken).ConfigureAwait(false);
                        ulong maxPushId = Http3FrameReader.ReadSingleVarInt(new ReadOnlySequence<byte>(payload), "MAX_PUSH_ID");
                        if (maxPushId < _maxPushIdReceived)
                            throw new Http3ConnectionErrorException(Http3ErrorCode.IdError, "MAX_PUSH_ID decreased (§7.2.7).");
                        _maxPushIdReceived = maxPushId;
                        break;
                    }

                case (ulong)Http3FrameType.CancelPush:
                    {
                        byte[] payload = await ReadControlPayloadAsync(reader, type, length, cancellationToken).ConfigureAwait(false);
                        ulong pushId = Http3FrameReader.ReadSingleVarInt(new ReadOnlySequence<byte>(payload), "CANCEL_PUSH");

                        // §7.2.3: we never promise pushes (server) nor allow them (client), so every push ID is unknown.
                        throw new Http3ConnectionErrorException(Http3ErrorCode.IdError, $"CANCEL_PUSH for push ID {pushId}, which was never used.");
                    }

                case (ulong)Http3FrameType.Data or (ulong)Http3FrameType.Headers or (ulong)Http3FrameType.PushPromise:
                    throw new Http3ConnectionErrorException(Http3ErrorCode.FrameUnexpected, $"Frame type 0x{type:x} on the control stream (§7.2).");
                case var reserved when Http3FrameReader.IsReservedHttp2Type(reserved):
                    throw new Http3ConnectionErrorException(Http3ErrorCode.FrameUnexpected, $"Reserved HTTP/2 frame type 0x{type:x} (§7.2.8).");
                default:
                    // §9: unknown frame types are ignored.
                    await reader.SkipAsync(length, cancellationToken).ConfigureAwait(false);
                    break;
            }

            first = false;
        }
    }

    private async ValueTask<byte[]> ReadControlPayloadAsync(FrameStreamReader reader, ulong type, ulong length, CancellationToken cancellationToken)
    {
        if (length > (ulong)_options.MaxControlFrameSize)
        {
            throw new Http3ConnectionErrorException(Http3ErrorCode.ExcessiveLoad,
                $"Control frame type 0x{type:x} has a {length}-byte payload; the limit is {_options.MaxControlFrameSize}.");
        }

        return await reader.ReadPayloadAsync((int)length, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask ReadQPackStreamAsync(FrameStreamReader reader, bool encoder, CancellationToken cancellationToken)
    {
        MarkCritical(reader);
        while (true)
        {
            ReadOnlySequence<byte> buffered = reader.Buffered;
            if (encoder)
                QPackEncoderStreamReader.Process(ref buffered);
            else
                QPackDecoderStreamReader.Process(ref buffered);
            reader.Consume(reader.BufferedLength - buffered.Length);

            if (!await reader.FillAsync(64, cancellationToken).ConfigureAwait(false))
            {
                if (IsClosing)
                    return;

                // RFC 9204 §4.2: closing either QPACK stream is H3_CLOSED_CRITICAL_STREAM.
                throw CriticalStreamClosed(encoder ? "QPACK encoder" : "QPACK decoder");
            }
        }
    }
}
