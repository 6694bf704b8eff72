namespace MoqLive.Quic.Frames;

/// <summary>ECN counts of an ACK_ECN frame (RFC 9000 §19.3.2).</summary>
internal readonly record struct EcnCounts(ulong Ect0, ulong Ect1, ulong EcnCe);
