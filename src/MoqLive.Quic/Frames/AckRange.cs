namespace MoqLive.Quic.Frames;

/// <summary>An inclusive range of acknowledged packet numbers.</summary>
internal readonly record struct AckRange(ulong Smallest, ulong Largest)
{
    public ulong Count => Largest - Smallest + 1;

    public bool Contains(ulong packetNumber) => packetNumber >= Smallest && packetNumber <= Largest;
}
