namespace MoqLive.Quic.Packets;

/// <summary>QUIC v1 packet types (RFC 9000 §17). The long-header types keep their wire order in the low values.</summary>
public enum PacketType : byte
{
    Initial = 0,
    ZeroRtt = 1,
    Handshake = 2,
    Retry = 3,
    VersionNegotiation = 4,
    OneRtt = 5,
}
