namespace MoqLive.Quic.Crypto;

/// <summary>Packet and header protection keys for one direction at one encryption level.</summary>
internal sealed class DirectionalKeys : IDisposable
{
    public DirectionalKeys(PacketKey packet, HeaderKey header)
    {
        Packet = packet;
        Header = header;
    }

    /// <summary>AEAD key (replaced on key update for 1-RTT).</summary>
    public PacketKey Packet { get; }

    /// <summary>Header protection key (never updated).</summary>
    public HeaderKey Header { get; }

    /// <summary>
    /// Derives key, IV and header protection key from a traffic secret with the "quic key", "quic iv" and
    /// "quic hp" labels (RFC 9001 §5.1).
    /// </summary>
    public static DirectionalKeys FromSecret(CipherSuite suite, ReadOnlySpan<byte> secret) =>
        new(QuicKeyDerivation.PacketKeyFromSecret(suite, secret), QuicKeyDerivation.HeaderKeyFromSecret(suite, secret));

    public void Dispose()
    {
        Packet.Dispose();
        Header.Dispose();
    }
}
