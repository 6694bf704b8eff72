using System.Buffers;
using MoqLive.Moqt.Wire;
using MoqLive.Transport;

namespace MoqLive.Moqt.Session.Internal;

/// <summary>
/// A receive buffer over one transport stream: parsers look at <see cref="Data"/>, <see cref="Consume"/> what they
/// parsed and <see cref="FillAsync"/> when they need more. Holds at most <see cref="MaxBuffered"/> unparsed bytes,
/// which bounds every header (object payloads are read straight into their own buffers).
/// </summary>
internal sealed class StreamBuffer
{
    /// <summary>Largest control message (65535 + 11 header bytes) with room to spare.</summary>
    public const int MaxBuffered = 80 * 1024;

    private readonly ITransportReceiveStream _stream;
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    public StreamBuffer(ITransportReceiveStream stream)
    {
        _stream = stream;
    }

    public ITransportReceiveStream Stream => _stream;

    /// <summary>True once the peer finished the stream (FIN) and nothing more will arrive.</summary>
    public bool Finished { get; private set; }

    private volatile bool _stopped;

    /// <summary>Stops the receive side (STOP_SENDING); later and pending reads see the end of the stream.</summary>
    public void Stop(ulong errorCode)
    {
        _stopped = true;
        _stream.Stop(errorCode);
    }

    private async ValueTask<int> ReadCoreAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_stopped)
            return 0;
        try
        {
            return await _stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException) when (_stopped)
        {
            return 0;
        }
    }

    public ReadOnlySequence<byte> Data => new(_buffer, _start, _end - _start);

    public int Length => _end - _start;

    public void Consume(long count)
    {
        _start += (int)count;
        if (_start == _end)
            _start = _end = 0;
    }

    /// <summary>Reads more bytes; false at FIN. Throws when the unparsed data would exceed <see cref="MaxBuffered"/>.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (Finished)
            return false;
        if (_start > 0 && _end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxBuffered)
                throw new MoqtProtocolException(MoqtErrorCode.ProtocolViolation, "a header or control message exceeds the receive buffer");
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxBuffered));
        }

        int read = await ReadCoreAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            Finished = true;
            return false;
        }

        _end += read;
        return true;
    }

    /// <summary>Copies exactly <paramref name="destination"/>.Length bytes, first from the buffer then from the stream; false on early FIN.</summary>
    public async ValueTask<bool> ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int fromBuffer = Math.Min(destination.Length, Length);
        _buffer.AsSpan(_start, fromBuffer).CopyTo(destination.Span);
        Consume(fromBuffer);
        int filled = fromBuffer;
        while (filled < destination.Length)
        {
            int read = await ReadCoreAsync(destination[filled..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                Finished = true;
                return false;
            }

            filled += read;
        }

        return true;
    }

    /// <summary>Parses a header at the front of <see cref="Data"/>; false when more bytes are needed.</summary>
    public delegate bool HeaderParser<T>(ref SequenceReader<byte> reader, out T header);

    /// <summary>
    /// Reads the header a data stream starts with (SUBGROUP_HEADER, FETCH_HEADER): the stream ending inside it is a
    /// PROTOCOL_VIOLATION naming <paramref name="name"/>.
    /// </summary>
    public async ValueTask<T> ReadHeaderAsync<T>(HeaderParser<T> parse, string name, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryParse(parse, out T header))
                return header;
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                throw new MoqtProtocolException(MoqtErrorCode.ProtocolViolation, $"stream ended inside {name}");
        }
    }

    private bool TryParse<T>(HeaderParser<T> parse, out T header)
    {
        var reader = new SequenceReader<byte>(Data);
        if (!parse(ref reader, out header))
            return false;
        Consume(reader.Consumed);
        return true;
    }

    /// <summary>
    /// Reads the next control message; null at a clean FIN (no partial message). A FIN inside a message is a
    /// PROTOCOL_VIOLATION.
    /// </summary>
    public async ValueTask<MoqtControlMessage?> ReadMessageAsync(MoqtVersion version, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadOnlySequence<byte> data = Data;
            if (ControlMessageCodec.TryRead(ref data, version, out MoqtControlMessage message))
            {
                Consume(Length - data.Length);
                return message;
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (Length == 0 || _stopped)
                    return null;
                throw new MoqtProtocolException(MoqtErrorCode.ProtocolViolation, "stream ended inside a control message");
            }
        }
    }
}
