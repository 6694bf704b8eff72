using System.Net;
using System.Net.Sockets;

namespace MoqLive.Quic.Internal;

/// <summary>
/// The largest UDP payload the route to a peer carries, from the OS: a UDP socket connected to the peer (which sends
/// nothing) reports the route's MTU with <c>IP_MTU</c> / <c>IPV6_MTU</c> (ip(7), ipv6(7); the outgoing interface's
/// MTU, or a smaller path MTU the kernel learned from ICMP). Path MTU discovery uses it as the upper bound of its
/// search (RFC 8899 §5.1.2: the PLPMTU never exceeds the local interface's MTU), so no probe is sent that the first
/// hop cannot carry. The last answer is kept for PMTU_RAISE_TIMER (RFC 8899 §5.1.1: 600 s), so connections from one
/// peer cost one lookup. Thread-safe.
/// </summary>
internal sealed class RouteMtu
{
    /// <summary>How long an answer is reused for the same peer address.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(600);

    // ip(7): SOL_IP / IP_MTU; ipv6(7): SOL_IPV6 / IPV6_MTU (Linux values).
    private const int SolIp = 0;
    private const int IpMtu = 14;
    private const int SolIpv6 = 41;
    private const int Ipv6Mtu = 24;
    private const int Ipv4Headers = 20 + 8;
    private const int Ipv6Headers = 40 + 8;
    // A UDP datagram's length field (and IPv4's total length) is 16 bits: 65535 - 20 - 8 for IPv4, 65535 - 8 for IPv6.
    private const int MaxIpv4UdpPayload = 65507;
    private const int MaxIpv6UdpPayload = 65527;

    private readonly Lock _lock = new();
    private IPAddress? _address;
    private int? _payload;
    private Instant _expires;

    /// <summary>The route's largest UDP payload towards <paramref name="remote"/>, or null when the OS does not say.</summary>
    public int? MaxUdpPayload(EndPoint remote, Instant now)
    {
        if (remote is not IPEndPoint ip) return null;
        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        lock (_lock)
        {
            if (address.Equals(_address) && now < _expires) return _payload;
        }

        int? payload = Query(new IPEndPoint(address, ip.Port));
        lock (_lock)
        {
            _address = address;
            _payload = payload;
            _expires = now + Lifetime;
        }

        return payload;
    }

    /// <summary>Asks the kernel (Linux only); null elsewhere or when the peer has no route.</summary>
    internal static int? Query(IPEndPoint remote)
    {
        if (!OperatingSystem.IsLinux()) return null;
        bool v4 = remote.AddressFamily == AddressFamily.InterNetwork;
        try
        {
            using var socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(remote); // UDP connect only picks the route: nothing is sent
            Span<byte> value = stackalloc byte[sizeof(int)];
            if (socket.GetRawSocketOption(v4 ? SolIp : SolIpv6, v4 ? IpMtu : Ipv6Mtu, value) != sizeof(int)) return null;
            int mtu = BitConverter.ToInt32(value);
            int payload = Math.Min(mtu - (v4 ? Ipv4Headers : Ipv6Headers), v4 ? MaxIpv4UdpPayload : MaxIpv6UdpPayload);
            return payload > 0 ? payload : null;
        }
        catch (SocketException)
        {
            return null; // no route (unreachable network) or the option is unknown: the search runs without a cap
        }
    }
}
