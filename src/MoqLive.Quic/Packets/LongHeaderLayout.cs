namespace MoqLive.Quic.Packets;

/// <summary>Where <see cref="PacketHeaderWriter.WriteLongHeader"/> put the fields of a long header.</summary>
internal readonly record struct LongHeaderLayout(int LengthOffset, int LengthFieldSize, int PacketNumberOffset, int PacketNumberLength)
{
    /// <summary>Header length including the packet number: where the payload starts.</summary>
    public int HeaderLength => PacketNumberOffset + PacketNumberLength;
}
