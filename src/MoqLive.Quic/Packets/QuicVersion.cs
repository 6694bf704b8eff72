namespace MoqLive.Quic.Packets;

/// <summary>QUIC version numbers (RFC 9000 §15, RFC 8999 §5.4).</summary>
internal static class QuicVersion
{
    /// <summary>QUIC version 1 (RFC 9000).</summary>
    public const uint Version1 = 0x0000_0001;

    /// <summary>Version 0 marks a Version Negotiation packet.</summary>
    public const uint Negotiation = 0;

    /// <summary>Versions this stack speaks, in preference order.</summary>
    public static ReadOnlySpan<uint> Supported => [Version1];

    public static bool IsSupported(uint version) => version == Version1;

    /// <summary>Reserved versions 0x?a?a?a?a used to exercise version negotiation (RFC 9000 §15).</summary>
    public static bool IsReserved(uint version) => (version & 0x0f0f_0f0f) == 0x0a0a_0a0a;
}
