using System.Net;

namespace MoqLive.Quic.TransportParameters;

/// <summary>
/// The server's preferred_address (RFC 9000 §18.2, §9.6). A family the server does not offer is null (sent as an
/// all-zero address and port).
/// </summary>
internal sealed record PreferredAddress(
    IPEndPoint? IPv4, IPEndPoint? IPv6, ConnectionId ConnectionId, StatelessResetToken StatelessResetToken);
