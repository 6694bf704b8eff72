namespace MoqLive.Quic.Crypto;

/// <summary>
/// The encryption levels QUIC uses for CRYPTO data and packet protection (RFC 9001 §2.1, §4).
/// 0-RTT is not supported. The numeric values are usable as array indices.
/// </summary>
internal enum EncryptionLevel
{
    /// <summary>Initial packets, protected with keys derived from the client's Destination Connection ID.</summary>
    Initial = 0,

    /// <summary>Handshake packets, protected with the TLS handshake traffic secrets.</summary>
    Handshake = 1,

    /// <summary>1-RTT (short header) packets, protected with the TLS application traffic secrets.</summary>
    OneRtt = 2,
}
