using MoqLive.Transport.Encoding;
using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>
/// ACK / ACK_ECN (RFC 9000 §19.3). Decoding validates every range, so <see cref="GetRanges"/> cannot fail; the
/// ranges stay encoded in the packet (no allocation). Encoding takes ranges in descending order.
/// </summary>
internal readonly ref struct AckFrame
{
    private readonly ReadOnlySpan<byte> _additionalRanges;

    private AckFrame(
        ulong largestAcknowledged, ulong ackDelay, ulong firstAckRange, int additionalRangeCount,
        ReadOnlySpan<byte> additionalRanges, EcnCounts? ecn)
    {
        LargestAcknowledged = largestAcknowledged;
        AckDelay = ackDelay;
        FirstAckRange = firstAckRange;
        AdditionalRangeCount = additionalRangeCount;
        _additionalRanges = additionalRanges;
        Ecn = ecn;
    }

    public ulong LargestAcknowledged { get; }

    /// <summary>Encoded ACK Delay; multiply by 2^ack_delay_exponent for microseconds (<see cref="GetAckDelayMicroseconds"/>).</summary>
    public ulong AckDelay { get; }

    /// <summary>Packets acknowledged below <see cref="LargestAcknowledged"/> in the first range.</summary>
    public ulong FirstAckRange { get; }

    /// <summary>Number of Gap/ACK Range pairs after the first range.</summary>
    public int AdditionalRangeCount { get; }

    /// <summary>ECN counts for ACK_ECN (type 0x03), null for type 0x02.</summary>
    public EcnCounts? Ecn { get; }

    /// <summary>Smallest packet number acknowledged by the whole frame.</summary>
    public ulong SmallestAcknowledged
    {
        get
        {
            ulong smallest = 0;
            foreach (var range in GetRanges())
                smallest = range.Smallest;
            return smallest;
        }
    }

    /// <summary>Ack delay in microseconds (RFC 9000 §19.3), saturating.</summary>
    public ulong GetAckDelayMicroseconds(int ackDelayExponent) =>
        ackDelayExponent >= 64 || AckDelay > (ulong.MaxValue >> ackDelayExponent) ? ulong.MaxValue : AckDelay << ackDelayExponent;

    /// <summary>Acknowledged ranges, largest first.</summary>
    public RangeEnumerator GetRanges() => new(LargestAcknowledged - FirstAckRange, LargestAcknowledged, _additionalRanges);

    /// <summary>Encoded length of an ACK frame for <paramref name="rangesDescending"/>.</summary>
    public static int GetEncodedLength(ReadOnlySpan<AckRange> rangesDescending, ulong ackDelay, EcnCounts? ecn = null)
    {
        ValidateRanges(rangesDescending);
        var first = rangesDescending[0];
        int length = 1 + VarIntLength(first.Largest) + VarIntLength(ackDelay)
            + VarIntLength((ulong)(rangesDescending.Length - 1)) + VarIntLength(first.Largest - first.Smallest);
        for (int i = 1; i < rangesDescending.Length; i++)
        {
            var (gap, rangeLength) = GapAndLength(rangesDescending[i - 1], rangesDescending[i]);
            length += VarIntLength(gap) + VarIntLength(rangeLength);
        }

        if (ecn is { } counts)
            length += VarIntLength(counts.Ect0) + VarIntLength(counts.Ect1) + VarIntLength(counts.EcnCe);
        return length;
    }

    /// <summary>
    /// How many of the (largest-first) ranges fit in <paramref name="available"/> bytes, keeping the newest ones;
    /// 0 when not even the first range fits. Pass <c>rangesDescending[..n]</c> to <see cref="Write"/>.
    /// </summary>
    public static int GetRangeCountThatFits(ReadOnlySpan<AckRange> rangesDescending, ulong ackDelay, EcnCounts? ecn, int available)
    {
        ValidateRanges(rangesDescending);
        var first = rangesDescending[0];
        int ecnLength = ecn is { } counts ? VarIntLength(counts.Ect0) + VarIntLength(counts.Ect1) + VarIntLength(counts.EcnCe) : 0;
        int fixedLength = 1 + VarIntLength(first.Largest) + VarIntLength(ackDelay) + VarIntLength(first.Largest - first.Smallest) + ecnLength;
        int rangesLength = 0;
        int count = 1;
        for (int i = 1; i < rangesDescending.Length; i++)
        {
            var (gap, rangeLength) = GapAndLength(rangesDescending[i - 1], rangesDescending[i]);
            int next = rangesLength + VarIntLength(gap) + VarIntLength(rangeLength);
            if (fixedLength + VarIntLength((ulong)i) + next > available)
                break;
            rangesLength = next;
            count = i + 1;
        }

        return fixedLength + VarIntLength((ulong)(count - 1)) + rangesLength <= available ? count : 0;
    }

    /// <summary>Writes an ACK (or ACK_ECN when <paramref name="ecn"/> is set) frame; returns its length.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<AckRange> rangesDescending, ulong ackDelay, EcnCounts? ecn = null)
    {
        ValidateRanges(rangesDescending);
        var first = rangesDescending[0];
        int offset = WriteVarInt(destination, 0, (ulong)(ecn is null ? FrameType.Ack : FrameType.AckEcn));
        offset = WriteVarInt(destination, offset, first.Largest);
        offset = WriteVarInt(destination, offset, ackDelay);
        offset = WriteVarInt(destination, offset, (ulong)(rangesDescending.Length - 1));
        offset = WriteVarInt(destination, offset, first.Largest - first.Smallest);
        for (int i = 1; i < rangesDescending.Length; i++)
        {
            var (gap, rangeLength) = GapAndLength(rangesDescending[i - 1], rangesDescending[i]);
            offset = WriteVarInt(destination, offset, gap);
            offset = WriteVarInt(destination, offset, rangeLength);
        }

        if (ecn is { } counts)
        {
            offset = WriteVarInt(destination, offset, counts.Ect0);
            offset = WriteVarInt(destination, offset, counts.Ect1);
            offset = WriteVarInt(destination, offset, counts.EcnCe);
        }

        return offset;
    }

    internal static AckFrame Decode(scoped ref FrameFieldReader reader, FrameType type)
    {
        ulong largest = reader.ReadVarInt();
        ulong delay = reader.ReadVarInt();
        ulong rangeCount = reader.ReadVarInt();
        ulong firstRange = reader.ReadVarInt();
        // RFC 9000 §19.3.1: a range reaching below packet number 0 is a FRAME_ENCODING_ERROR.
        if (firstRange > largest)
            throw reader.Error("First ACK Range exceeds Largest Acknowledged.");

        // Each Gap/Range pair takes at least 2 bytes, so the count is bounded by the bytes left.
        if (rangeCount > (ulong)reader.Remaining / 2)
            throw reader.Error("ACK Range Count exceeds the frame.");

        int rangesStart = reader.Consumed;
        ulong smallest = largest - firstRange;
        for (ulong i = 0; i < rangeCount; i++)
        {
            ulong gap = reader.ReadVarInt();
            ulong length = reader.ReadVarInt();
            // Next largest = smallest - gap - 2; next smallest = that - length; both must be ≥ 0.
            if (smallest < 2 || gap > smallest - 2)
                throw reader.Error("ACK Gap reaches below packet number 0.");
            ulong nextLargest = smallest - gap - 2;
            if (length > nextLargest)
                throw reader.Error("ACK Range reaches below packet number 0.");
            smallest = nextLargest - length;
        }

        int rangesLength = reader.Consumed - rangesStart;
        EcnCounts? ecn = null;
        if (type == FrameType.AckEcn)
            ecn = new EcnCounts(reader.ReadVarInt(), reader.ReadVarInt(), reader.ReadVarInt());
        return new AckFrame(largest, delay, firstRange, (int)rangeCount, reader.Slice(rangesStart, rangesLength), ecn);
    }

    private static (ulong Gap, ulong Length) GapAndLength(AckRange previous, AckRange current) =>
        (previous.Smallest - current.Largest - 2, current.Largest - current.Smallest);

    private static void ValidateRanges(ReadOnlySpan<AckRange> rangesDescending)
    {
        if (rangesDescending.IsEmpty)
            throw new ArgumentException("An ACK frame needs at least one range.", nameof(rangesDescending));
        for (int i = 0; i < rangesDescending.Length; i++)
        {
            var range = rangesDescending[i];
            if (range.Smallest > range.Largest || range.Largest > QuicVarInt.MaxValue)
                throw new ArgumentException($"Invalid ACK range {range}.", nameof(rangesDescending));
            // Adjacent ranges must be merged: a gap of at least one unacknowledged packet separates them.
            if (i > 0 && (rangesDescending[i - 1].Smallest < 2 || range.Largest > rangesDescending[i - 1].Smallest - 2))
                throw new ArgumentException("ACK ranges must be descending, disjoint and non-adjacent.", nameof(rangesDescending));
        }
    }

    /// <summary>Enumerates acknowledged ranges, largest first, from the validated encoding.</summary>
    public ref struct RangeEnumerator
    {
        private ReadOnlySpan<byte> _remaining;
        private ulong _smallest;
        private bool _started;

        internal RangeEnumerator(ulong firstSmallest, ulong firstLargest, ReadOnlySpan<byte> additionalRanges)
        {
            _remaining = additionalRanges;
            _smallest = firstSmallest;
            Current = new AckRange(firstSmallest, firstLargest);
            _started = false;
        }

        public AckRange Current { get; private set; }

        public readonly RangeEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (!_started)
            {
                _started = true;
                return true;
            }

            if (_remaining.IsEmpty)
                return false;
            QuicVarInt.TryRead(_remaining, out ulong gap, out int n);
            _remaining = _remaining[n..];
            QuicVarInt.TryRead(_remaining, out ulong length, out n);
            _remaining = _remaining[n..];
            ulong largest = _smallest - gap - 2;
            _smallest = largest - length;
            Current = new AckRange(_smallest, largest);
            return true;
        }
    }
}
