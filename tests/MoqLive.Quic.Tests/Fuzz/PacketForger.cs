using MoqLive.Quic.Crypto;
using MoqLive.Quic.Packets;

namespace MoqLive.Quic.Tests.Fuzz;

/// <summary>
/// Builds correctly protected client packets carrying chosen frame bytes, with keys a real client connection revealed
/// through its TLS key log (NSS format, as for Wireshark) or, for Initial packets, derived from the client's first
/// Destination Connection ID (RFC 9001 §5.2). The client must use AES-128-GCM (0x1301).
/// </summary>
internal sealed class PacketForger
{
    private readonly Dictionary<string, byte[]> _secrets = new();

    /// <summary>Pass as the client's <c>KeyLog</c>.</summary>
    public void OnKeyLog(string line)
    {
        var parts = line.Split(' ');
        _secrets[parts[0]] = Convert.FromHexString(parts[2]);
    }

    /// <summary>A 1-RTT packet (key phase 0) to <paramref name="destination"/> with packet number <paramref name="packetNumber"/>.</summary>
    public byte[] OneRtt(ConnectionId destination, ulong packetNumber, ReadOnlySpan<byte> frames, bool setReservedBits = false)
    {
        using var keys = DirectionalKeys.FromSecret(CipherSuite.Aes128GcmSha256, _secrets["CLIENT_TRAFFIC_SECRET_0"]);
        const int pnLength = 4;
        var packet = new byte[PacketHeaderWriter.GetShortHeaderLength(destination, pnLength) + frames.Length + PacketKey.AeadTagLength];
        int headerLength = PacketHeaderWriter.WriteShortHeader(packet, destination, packetNumber, pnLength, keyPhase: false);
        if (setReservedBits) packet[0] |= PacketHeader.ShortReservedBits;
        frames.CopyTo(packet.AsSpan(headerLength));
        keys.Packet.Encrypt(packetNumber, packet, headerLength);
        keys.Header.Protect(packet, headerLength - pnLength);
        return packet;
    }

    /// <summary>
    /// A client Initial packet padded (with leading PADDING frames) to a 1200-byte datagram, protected with the
    /// Initial keys of <paramref name="originalDestination"/>.
    /// </summary>
    public static byte[] Initial(ConnectionId originalDestination, ConnectionId destination, ConnectionId source, ulong packetNumber, ReadOnlySpan<byte> frames)
    {
        using var keys = QuicKeyDerivation.InitialKeys(originalDestination.Span, isServer: false);
        const int pnLength = 4;
        var packet = new byte[1200];
        var layout = PacketHeaderWriter.WriteLongHeader(packet, PacketType.Initial, QuicVersion.Version1, destination, source, [], packetNumber, pnLength);
        int payloadLength = packet.Length - layout.HeaderLength - PacketKey.AeadTagLength;
        frames.CopyTo(packet.AsSpan(layout.HeaderLength + payloadLength - frames.Length));
        PacketHeaderWriter.FinishLength(packet, layout, payloadLength + PacketKey.AeadTagLength);
        keys.Local.Packet.Encrypt(packetNumber, packet, layout.HeaderLength);
        keys.Local.Header.Protect(packet, layout.PacketNumberOffset);
        return packet;
    }
}
