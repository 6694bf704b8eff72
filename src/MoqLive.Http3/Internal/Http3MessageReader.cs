using MoqLive.Http3.Frames;
using MoqLive.Http3.QPack;

namespace MoqLive.Http3.Internal;

/// <summary>
/// Reads one HTTP message from a request stream (RFC 9114 §4.1): HEADERS, then any number of DATA frames,
/// then optionally a trailing HEADERS, then FIN, skipping unknown frame types (§9). Frames that are out of
/// order or not allowed on request streams are H3_FRAME_UNEXPECTED connection errors (§4.1, §7.2). Not
/// thread-safe: one reader at a time.
/// </summary>
internal sealed class Http3MessageReader
{
    private readonly FrameStreamReader _reader;
    private readonly QPackDecoder _decoder;
    private readonly long _maxFieldSectionSize;
    private readonly bool _isServer;
    private ulong _dataRemaining;
    private long _bodyReceived;
    private long? _expectedContentLength;
    private bool _bodyDone;

    public Http3MessageReader(FrameStreamReader reader, QPackDecoder decoder, long maxFieldSectionSize, bool isServer)
    {
        _reader = reader;
        _decoder = decoder;
        _maxFieldSectionSize = maxFieldSectionSize;
        _isServer = isServer;
    }

    /// <summary>The trailer fields, once the body was read to its end and a trailing HEADERS came; otherwise null.</summary>
    public List<HeaderField>? Trailers { get; private set; }

    /// <summary>True once the body was read to its end (FIN read).</summary>
    public bool IsComplete => _bodyDone;

    /// <summary>The stream's frame reader (WebTransport uses it for the 0x41 signal).</summary>
    public FrameStreamReader Frames => _reader;

    /// <summary>
    /// Reads frames up to the first HEADERS and decodes it. A stream that ends first is H3_REQUEST_INCOMPLETE
    /// (stream error, §4.1.2).
    /// </summary>
    public async ValueTask<List<HeaderField>> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            (ulong Type, ulong Length)? header = await _reader.ReadFrameHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (header is not { } frame)
                throw new Http3StreamErrorException(Http3ErrorCode.RequestIncomplete, "The stream ended before a HEADERS frame.");

            switch ((Http3FrameType)frame.Type)
            {
                case Http3FrameType.Headers:
                    return await ReadFieldSectionAsync(frame.Length, cancellationToken).ConfigureAwait(false);
                case Http3FrameType.Data:
                    throw new Http3ConnectionErrorException(Http3ErrorCode.FrameUnexpected, "DATA before HEADERS on a request stream.");
                default:
                    await HandleOtherFrameAsync(frame.Type, frame.Length, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Sets the content-length the body must match (RFC 9114 §4.1.2), once the headers are validated.</summary>
    public void ExpectContentLength(long? contentLength) => _expectedContentLength = contentLength;

    /// <summary>
    /// Reads body bytes from DATA frames; 0 at the end of the message (after optional trailers and FIN). A body
    /// that does not match content-length is H3_MESSAGE_ERROR.
    /// </summary>
    public async ValueTask<int> ReadBodyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
            return 0;

        while (!_bodyDone)
        {
            if (_dataRemaining > 0)
            {
                Memory<byte> target = destination[..(int)Math.Min((ulong)destination.Length, _dataRemaining)];
                int read = await _reader.ReadDirectAsync(target, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    throw new Http3ConnectionErrorException(Http3ErrorCode.FrameError, "The stream ended inside a DATA frame.");

                _dataRemaining -= (ulong)read;
                _bodyReceived += read;
                if (_bodyReceived > _expectedContentLength)
                    throw new Http3StreamErrorException(Http3ErrorCode.MessageError, "The body is longer than content-length.");
                return read;
            }

            (ulong Type, ulong Length)? header = await _reader.ReadFrameHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (header is not { } frame)
            {
                FinishBody();
                break;
            }

            switch ((Http3FrameType)frame.Type)
            {
                case Http3FrameType.Data:
                    _dataRemaining = frame.Length;
                    break;
                case Http3FrameType.Headers:
                    List<HeaderField> trailers = await ReadFieldSectionAsync(frame.Length, cancellationToken).ConfigureAwait(false);
                    Http3HeaderValidator.ValidateTrailers(trailers);
                    Trailers = trailers;
                    await ReadToEndAfterTrailersAsync(cancellationToken).ConfigureAwait(false);
                    FinishBody();
                    break;
                default:
                    await HandleOtherFrameAsync(frame.Type, frame.Length, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        return 0;
    }

    private void FinishBody()
    {
        _bodyDone = true;
        if (_expectedContentLength is { } expected && expected != _bodyReceived)
        {
            throw new Http3StreamErrorException(Http3ErrorCode.MessageError,
                $"The body has {_bodyReceived} bytes but content-length says {expected}.");
        }
    }

    // §4.1: after trailers only unknown frames may follow before FIN.
    private async ValueTask ReadToEndAfterTrailersAsync(CancellationToken cancellationToken)
    {
        while (await _reader.ReadFrameHeaderAsync(cancellationToken).ConfigureAwait(false) is { } frame)
        {
            if (frame.Type is (ulong)Http3FrameType.Data or (ulong)Http3FrameType.Headers)
                throw new Http3ConnectionErrorException(Http3ErrorCode.FrameUnexpected, "A frame follows the trailers.");
            await HandleOtherFrameAsync(frame.Type, frame.Length, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<List<HeaderField>> ReadFieldSectionAsync(ulong length, CancellationToken cancellationToken)
    {
        // An encoded line is never longer than its decoded size (which includes 32 bytes per field), so a payload
        // larger than the limit plus the 2-byte prefix cannot fit; refuse it before buffering it (§4.2.2).
        if (length > (ulong)_maxFieldSectionSize + 16)
        {
            throw new Http3StreamErrorException(Http3ErrorCode.MessageError,
                $"A {length}-byte HEADERS frame exceeds SETTINGS_MAX_FIELD_SECTION_SIZE ({_maxFieldSectionSize}).",
                fieldSectionTooLarge: true);
        }

        byte[] payload = await _reader.ReadPayloadAsync((int)length, cancellationToken).ConfigureAwait(false);
        return _decoder.Decode(payload);
    }

    private async ValueTask HandleOtherFrameAsync(ulong type, ulong length, CancellationToken cancellationToken)
    {
        switch (type)
        {
            // §7.2.3, §7.2.4, §7.2.6, §7.2.7: control-stream frames on a request stream.
            case (ulong)Http3FrameType.CancelPush or (ulong)Http3FrameType.Settings
                or (ulong)Http3FrameType.GoAway or (ulong)Http3FrameType.MaxPushId:
                throw new Http3ConnectionErrorException(Http3ErrorCode.FrameUnexpected,
                    $"Frame type 0x{type:x} is not allowed on a request stream.");
            case (ulong)Http3FrameType.PushPromise when _isServer:
                throw new Http3ConnectionErrorException(Http3ErrorCode.FrameUnexpected, "A client sent PUSH_PROMISE.");
            case (ulong)Http3FrameType.PushPromise:
                // §7.2.5: we never sent MAX_PUSH_ID, so every push ID exceeds the maximum.
                throw new Http3ConnectionErrorException(Http3ErrorCode.IdError, "PUSH_PROMISE although no push was allowed.");
            case (ulong)Http3FrameType.WebTransportStream:
                throw new Http3ConnectionErrorException(Http3ErrorCode.FrameUnexpected,
                    "WEBTRANSPORT_STREAM is only allowed as the first frame of a bidirectional stream.");
            case var reserved when Http3FrameReader.IsReservedHttp2Type(reserved):
                throw new Http3ConnectionErrorException(Http3ErrorCode.FrameUnexpected,
                    $"Reserved HTTP/2 frame type 0x{type:x} (§7.2.8).");
            default:
                // §9: unknown (including GREASE) frame types are ignored.
                await _reader.SkipAsync(length, cancellationToken).ConfigureAwait(false);
                break;
        }
    }
}
