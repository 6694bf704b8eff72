using System.Security.Cryptography;

namespace MoqLive.Quic.Tls.Internal;

/// <summary>Constants of ServerHello / HelloRetryRequest (RFC 8446 §4.1.3).</summary>
internal static class ServerHelloMessages
{
    /// <summary>The Random of a HelloRetryRequest: SHA-256("HelloRetryRequest").</summary>
    public static readonly byte[] HelloRetryRequestRandom = SHA256.HashData("HelloRetryRequest"u8);
}
