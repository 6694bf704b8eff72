using System.Net;
using MoqLive.Quic.TransportParameters;
using MoqLive.Transport.Encoding;

namespace MoqLive.Quic.Tests.TransportParameters;

public class TransportParametersCodecTests
{
    private static readonly StatelessResetToken Token = new(Enumerable.Range(100, 16).Select(i => (byte)i).ToArray());

    private static QuicTransportParameters FullServerParameters() => new()
    {
        OriginalDestinationConnectionId = new ConnectionId([1, 2, 3, 4, 5, 6, 7, 8]),
        MaxIdleTimeoutMilliseconds = 30_000,
        StatelessResetToken = Token,
        MaxUdpPayloadSize = 1452,
        InitialMaxData = 10_000_000,
        InitialMaxStreamDataBidiLocal = 1_000_000,
        InitialMaxStreamDataBidiRemote = 1_000_001,
        InitialMaxStreamDataUni = 1_000_002,
        InitialMaxStreamsBidi = 100,
        InitialMaxStreamsUni = 1UL << 60,
        AckDelayExponent = 10,
        MaxAckDelayMilliseconds = 100,
        DisableActiveMigration = true,
        PreferredAddress = new PreferredAddress(
            new IPEndPoint(IPAddress.Parse("192.0.2.1"), 4433), new IPEndPoint(IPAddress.Parse("2001:db8::1"), 4434),
            new ConnectionId([9, 9, 9, 9]), Token),
        ActiveConnectionIdLimit = 8,
        InitialSourceConnectionId = new ConnectionId([0xaa, 0xbb]),
        RetrySourceConnectionId = new ConnectionId([0xcc]),
        MaxDatagramFrameSize = 65535,
        GreaseQuicBit = true,
        ResetStreamAt = true,
        MinAckDelayMicroseconds = 1000,
    };

    [Fact]
    public void AllParameters_RoundTrip()
    {
        var parameters = FullServerParameters();
        var bytes = TransportParametersCodec.Encode(parameters);
        Assert.Equal(bytes.Length, TransportParametersCodec.GetEncodedLength(parameters));
        var decoded = TransportParametersCodec.Decode(bytes, sentByServer: true);
        Assert.Equal(parameters with { PreferredAddress = null }, decoded with { PreferredAddress = null });
        Assert.Equal(parameters.PreferredAddress!.IPv4, decoded.PreferredAddress!.IPv4);
        Assert.Equal(parameters.PreferredAddress.IPv6, decoded.PreferredAddress.IPv6);
        Assert.Equal(parameters.PreferredAddress.ConnectionId, decoded.PreferredAddress.ConnectionId);
        Assert.Equal(parameters.PreferredAddress.StatelessResetToken, decoded.PreferredAddress.StatelessResetToken);
    }

    [Fact]
    public void PreferredAddress_OneFamily_OtherIsNull()
    {
        var parameters = new QuicTransportParameters
        {
            PreferredAddress = new PreferredAddress(null, new IPEndPoint(IPAddress.IPv6Loopback, 443), new ConnectionId([1]), Token),
        };
        var decoded = TransportParametersCodec.Decode(TransportParametersCodec.Encode(parameters), sentByServer: true);
        Assert.Null(decoded.PreferredAddress!.IPv4);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 443), decoded.PreferredAddress.IPv6);
    }

    [Fact]
    public void Empty_DecodesToDefaults()
    {
        var decoded = TransportParametersCodec.Decode([], sentByServer: false);
        Assert.Equal(new QuicTransportParameters(), decoded);
        Assert.Equal(65527UL, decoded.MaxUdpPayloadSize);
        Assert.Equal(3UL, decoded.AckDelayExponent);
        Assert.Equal(25UL, decoded.MaxAckDelayMilliseconds);
        Assert.Equal(2UL, decoded.ActiveConnectionIdLimit);
        Assert.Null(decoded.MaxDatagramFrameSize);
        Assert.Empty(TransportParametersCodec.Encode(new QuicTransportParameters()));
    }

    [Fact]
    public void UnknownAndGreaseParameters_Ignored()
    {
        // Reserved ID 31 * 5 + 27 = 182 with 3 bytes, then an unknown 0x4242 with nothing, then initial_max_data.
        byte[] bytes = [0x40, 182, 3, 1, 2, 3, 0x40 | 0x42, 0x42, 0, 0x04, 0x01, 0x20];
        var decoded = TransportParametersCodec.Decode(bytes, sentByServer: false);
        Assert.Equal(0x20UL, decoded.InitialMaxData);
    }

    private static byte[] Param(ulong id, params byte[] value)
    {
        var buffer = new byte[16 + value.Length];
        int n = QuicVarInt.Write(buffer, id);
        n += QuicVarInt.Write(buffer.AsSpan(n), (ulong)value.Length);
        value.CopyTo(buffer, n);
        return buffer[..(n + value.Length)];
    }

    private static byte[] Int(ulong id, ulong value)
    {
        var encoded = new byte[QuicVarInt.GetEncodedLength(value)];
        QuicVarInt.Write(encoded, value);
        return Param(id, encoded);
    }

    public static TheoryData<byte[], bool> Invalid => new()
    {
        { Int(0x03, 1199), true },                          // max_udp_payload_size < 1200
        { Int(0x0a, 21), true },                            // ack_delay_exponent > 20
        { Int(0x0b, 1 << 14), true },                       // max_ack_delay >= 2^14
        { Int(0x0e, 1), true },                             // active_connection_id_limit < 2
        { Int(0x08, (1UL << 60) + 1), true },               // initial_max_streams_bidi > 2^60
        { Int(0x09, (1UL << 60) + 1), true },
        { Param(0x00, 1, 2, 3), false },                    // server-only from client
        { Param(0x02, new byte[16]), false },
        { Param(0x0d, new byte[41]), false },
        { Param(0x10, 1), false },
        { Param(0x02, new byte[15]), true },                // token not 16 bytes
        { [.. Int(0x04, 1), .. Int(0x04, 2)], true },       // duplicate
        { [.. Param(0x2ab2), .. Param(0x2ab2)], true },     // duplicate extension
        { Param(0x04, 0x01, 0x02), true },                  // integer with trailing byte
        { Param(0x04, 0x40), true },                        // truncated integer
        { Param(0x0c, 0x00), true },                        // flag with value
        { Param(0x1d, 0x00), true },                        // reset_stream_at with value
        { Param(0x0f, new byte[21]), true },                // CID > 20
        { Param(0x0d, new byte[41]), true },                // preferred_address with 0-length CID
        { Param(0x0d, new byte[30]), true },                // preferred_address truncated
        { [0x04, 0x05, 0x01], true },                       // value past the end
        { [0x40], true },                                   // truncated ID
        { [0x04], true },                                   // missing length
        { [.. Int(0x0b, 1), .. Int(0xff04de1b, 2000)], true }, // min_ack_delay > max_ack_delay
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Decode_Invalid_ThrowsTransportParameterError(byte[] bytes, bool sentByServer)
    {
        var ex = Assert.Throws<QuicProtocolException>(() => TransportParametersCodec.Decode(bytes, sentByServer));
        Assert.Equal(TransportErrorCode.TransportParameterError, ex.Code);
    }

    [Fact]
    public void ClientParameters_RoundTrip()
    {
        var parameters = new QuicTransportParameters
        {
            InitialSourceConnectionId = ConnectionId.Empty,
            InitialMaxData = 1,
            MaxDatagramFrameSize = 0,
        };
        var decoded = TransportParametersCodec.Decode(TransportParametersCodec.Encode(parameters), sentByServer: false);
        Assert.Equal(parameters, decoded);
        Assert.Equal(ConnectionId.Empty, decoded.InitialSourceConnectionId);
    }
}
