namespace MoqLive.Quic.Packets;

/// <summary>
/// Splits a UDP datagram into its coalesced packets (RFC 9000 §12.2) using each long header's Length field.
/// A short-header packet runs to the end of the datagram, so it is always last. Iteration stops at the first
/// packet that cannot be parsed (the rest of the datagram is dropped) and at a packet whose Destination
/// Connection ID differs from the first packet's (§12.2: receivers SHOULD ignore those).
/// </summary>
internal ref struct CoalescedPacketReader
{
    private readonly ReadOnlySpan<byte> _datagram;
    private readonly int _shortHeaderConnectionIdLength;
    private readonly bool _allowClearFixedBit;
    private int _offset;
    private ConnectionId? _firstDestination;

    public CoalescedPacketReader(ReadOnlySpan<byte> datagram, int shortHeaderConnectionIdLength, bool allowClearFixedBit = false)
    {
        _datagram = datagram;
        _shortHeaderConnectionIdLength = shortHeaderConnectionIdLength;
        _allowClearFixedBit = allowClearFixedBit;
        _offset = 0;
        _firstDestination = null;
    }

    /// <summary>Offset of the packet returned by the last successful <see cref="TryReadNext"/> in the datagram.</summary>
    public int PacketOffset { get; private set; }

    /// <summary>Bytes left unprocessed after iteration stopped early (for diagnostics).</summary>
    public readonly int RemainingLength => _datagram.Length - _offset;

    /// <summary>
    /// Next packet: its header (offsets relative to <paramref name="packet"/>) and its bytes. False at the end or
    /// when the rest of the datagram is unusable.
    /// </summary>
    public bool TryReadNext(out PacketHeader header, out ReadOnlySpan<byte> packet)
    {
        packet = default;
        header = default;
        if (_offset >= _datagram.Length)
            return false;
        var rest = _datagram[_offset..];
        if (!PacketHeader.TryParse(rest, _shortHeaderConnectionIdLength, out header, _allowClearFixedBit))
        {
            _offset = _datagram.Length;
            return false;
        }

        if (_firstDestination is { } first && first != header.DestinationConnectionId)
        {
            _offset = _datagram.Length;
            return false;
        }

        _firstDestination ??= header.DestinationConnectionId;
        packet = rest[..header.PacketLength];
        PacketOffset = _offset;
        _offset += header.PacketLength;
        return true;
    }
}
