namespace MoqLive.Quic.Recovery;

/// <summary>Packet number spaces (RFC 9000 §12.3).</summary>
public enum PacketSpace
{
    Initial = 0,
    Handshake = 1,
    ApplicationData = 2,
}
