using System.Buffers.Binary;
using System.Net;
using MoqLive.Transport.Encoding;

namespace MoqLive.Quic.TransportParameters;

/// <summary>
/// Encodes and decodes the quic_transport_parameters TLS extension body (RFC 9000 §18): a sequence of
/// (ID varint, Length varint, Value). Decoding validates per §18.2 and §7.4 and throws
/// <see cref="QuicProtocolException"/> with TRANSPORT_PARAMETER_ERROR; unknown (including reserved 31*N+27) IDs are
/// ignored (§18.1).
/// </summary>
internal static class TransportParametersCodec
{
    private const int PreferredAddressFixedLength = 4 + 2 + 16 + 2 + 1 + StatelessResetToken.Length;

    /// <summary>Encoded length of the parameters; parameters at their default value are omitted.</summary>
    public static int GetEncodedLength(QuicTransportParameters parameters)
    {
        var counter = new Emitter(Span<byte>.Empty, countOnly: true);
        Emit(ref counter, parameters);
        return counter.Position;
    }

    /// <summary>Writes the parameters; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, QuicTransportParameters parameters)
    {
        var writer = new Emitter(destination, countOnly: false);
        Emit(ref writer, parameters);
        return writer.Position;
    }

    /// <summary>Encodes into a new array.</summary>
    public static byte[] Encode(QuicTransportParameters parameters)
    {
        var bytes = new byte[GetEncodedLength(parameters)];
        Write(bytes, parameters);
        return bytes;
    }

    /// <summary>
    /// Decodes the peer's parameters. <paramref name="sentByServer"/> is true when the peer is the server: a client
    /// must not send server-only parameters (§18.2).
    /// </summary>
    public static QuicTransportParameters Decode(ReadOnlySpan<byte> source, bool sentByServer)
    {
        var result = new QuicTransportParameters();
        ulong seenLow = 0;
        bool seenGrease = false;
        bool seenMinAckDelay = false;
        int offset = 0;
        while (offset < source.Length)
        {
            if (!QuicVarInt.TryRead(source[offset..], out ulong rawId, out int n))
                throw Error(null, "Truncated transport parameter ID.");
            offset += n;
            if (!QuicVarInt.TryRead(source[offset..], out ulong length, out n))
                throw Error(rawId, "Truncated transport parameter length.");
            offset += n;
            if (length > (ulong)(source.Length - offset))
                throw Error(rawId, "Transport parameter value runs past the end.");
            var value = source.Slice(offset, (int)length);
            offset += (int)length;

            var id = (TransportParameterId)rawId;
            // §7.4: duplicates are a TRANSPORT_PARAMETER_ERROR.
            if (rawId < 64)
            {
                if ((seenLow & (1UL << (int)rawId)) != 0)
                    throw Error(rawId, "Duplicate transport parameter.");
                seenLow |= 1UL << (int)rawId;
            }
            else if (id == TransportParameterId.GreaseQuicBit)
            {
                if (seenGrease)
                    throw Error(rawId, "Duplicate transport parameter.");
                seenGrease = true;
            }
            else if (id == TransportParameterId.MinAckDelay)
            {
                if (seenMinAckDelay)
                    throw Error(rawId, "Duplicate transport parameter.");
                seenMinAckDelay = true;
            }

            if (!sentByServer && id is TransportParameterId.OriginalDestinationConnectionId or TransportParameterId.StatelessResetToken
                    or TransportParameterId.PreferredAddress or TransportParameterId.RetrySourceConnectionId)
                throw Error(rawId, "Server-only transport parameter sent by a client.");

            result = id switch
            {
                TransportParameterId.OriginalDestinationConnectionId => result with { OriginalDestinationConnectionId = ReadConnectionId(value, rawId) },
                TransportParameterId.MaxIdleTimeout => result with { MaxIdleTimeoutMilliseconds = ReadInteger(value, rawId) },
                TransportParameterId.StatelessResetToken => result with { StatelessResetToken = ReadToken(value, rawId) },
                TransportParameterId.MaxUdpPayloadSize => result with { MaxUdpPayloadSize = ReadInteger(value, rawId) },
                TransportParameterId.InitialMaxData => result with { InitialMaxData = ReadInteger(value, rawId) },
                TransportParameterId.InitialMaxStreamDataBidiLocal => result with { InitialMaxStreamDataBidiLocal = ReadInteger(value, rawId) },
                TransportParameterId.InitialMaxStreamDataBidiRemote => result with { InitialMaxStreamDataBidiRemote = ReadInteger(value, rawId) },
                TransportParameterId.InitialMaxStreamDataUni => result with { InitialMaxStreamDataUni = ReadInteger(value, rawId) },
                TransportParameterId.InitialMaxStreamsBidi => result with { InitialMaxStreamsBidi = ReadInteger(value, rawId) },
                TransportParameterId.InitialMaxStreamsUni => result with { InitialMaxStreamsUni = ReadInteger(value, rawId) },
                TransportParameterId.AckDelayExponent => result with { AckDelayExponent = ReadInteger(value, rawId) },
                TransportParameterId.MaxAckDelay => result with { MaxAckDelayMilliseconds = ReadInteger(value, rawId) },
                TransportParameterId.DisableActiveMigration => result with { DisableActiveMigration = ReadFlag(value, rawId) },
                TransportParameterId.PreferredAddress => result with { PreferredAddress = ReadPreferredAddress(value, rawId) },
                TransportParameterId.ActiveConnectionIdLimit => result with { ActiveConnectionIdLimit = ReadInteger(value, rawId) },
                TransportParameterId.InitialSourceConnectionId => result with { InitialSourceConnectionId = ReadConnectionId(value, rawId) },
                TransportParameterId.RetrySourceConnectionId => result with { RetrySourceConnectionId = ReadConnectionId(value, rawId) },
                TransportParameterId.MaxDatagramFrameSize => result with { MaxDatagramFrameSize = ReadInteger(value, rawId) },
                TransportParameterId.GreaseQuicBit => result with { GreaseQuicBit = ReadFlag(value, rawId) },
                TransportParameterId.ResetStreamAt => result with { ResetStreamAt = ReadFlag(value, rawId) },
                TransportParameterId.MinAckDelay => result with { MinAckDelayMicroseconds = ReadInteger(value, rawId) },
                _ => result,
            };
        }

        Validate(result);
        return result;
    }

    /// <summary>Value checks of RFC 9000 §18.2 (and the extensions); throws TRANSPORT_PARAMETER_ERROR.</summary>
    public static void Validate(QuicTransportParameters parameters)
    {
        if (parameters.MaxUdpPayloadSize < 1200)
            throw Error((ulong)TransportParameterId.MaxUdpPayloadSize, "max_udp_payload_size below 1200.");
        if (parameters.AckDelayExponent > 20)
            throw Error((ulong)TransportParameterId.AckDelayExponent, "ack_delay_exponent above 20.");
        if (parameters.MaxAckDelayMilliseconds >= 1 << 14)
            throw Error((ulong)TransportParameterId.MaxAckDelay, "max_ack_delay of 2^14 or more.");
        if (parameters.ActiveConnectionIdLimit < 2)
            throw Error((ulong)TransportParameterId.ActiveConnectionIdLimit, "active_connection_id_limit below 2.");
        if (parameters.InitialMaxStreamsBidi > 1UL << 60)
            throw Error((ulong)TransportParameterId.InitialMaxStreamsBidi, "initial_max_streams_bidi above 2^60.");
        if (parameters.InitialMaxStreamsUni > 1UL << 60)
            throw Error((ulong)TransportParameterId.InitialMaxStreamsUni, "initial_max_streams_uni above 2^60.");
        // draft-ietf-quic-ack-frequency-11 §3: min_ack_delay above max_ack_delay is invalid.
        if (parameters.MinAckDelayMicroseconds is { } minAckDelay && minAckDelay > parameters.MaxAckDelayMilliseconds * 1000)
            throw Error((ulong)TransportParameterId.MinAckDelay, "min_ack_delay exceeds max_ack_delay.");
    }

    private static void Emit(ref Emitter emitter, QuicTransportParameters p)
    {
        var defaults = new QuicTransportParameters();
        if (p.OriginalDestinationConnectionId is { } odcid)
            emitter.Bytes(TransportParameterId.OriginalDestinationConnectionId, odcid.Span);
        if (p.MaxIdleTimeoutMilliseconds != defaults.MaxIdleTimeoutMilliseconds)
            emitter.Integer(TransportParameterId.MaxIdleTimeout, p.MaxIdleTimeoutMilliseconds);
        if (p.StatelessResetToken is { } token)
            emitter.Bytes(TransportParameterId.StatelessResetToken, token.Span);
        if (p.MaxUdpPayloadSize != defaults.MaxUdpPayloadSize)
            emitter.Integer(TransportParameterId.MaxUdpPayloadSize, p.MaxUdpPayloadSize);
        if (p.InitialMaxData != 0)
            emitter.Integer(TransportParameterId.InitialMaxData, p.InitialMaxData);
        if (p.InitialMaxStreamDataBidiLocal != 0)
            emitter.Integer(TransportParameterId.InitialMaxStreamDataBidiLocal, p.InitialMaxStreamDataBidiLocal);
        if (p.InitialMaxStreamDataBidiRemote != 0)
            emitter.Integer(TransportParameterId.InitialMaxStreamDataBidiRemote, p.InitialMaxStreamDataBidiRemote);
        if (p.InitialMaxStreamDataUni != 0)
            emitter.Integer(TransportParameterId.InitialMaxStreamDataUni, p.InitialMaxStreamDataUni);
        if (p.InitialMaxStreamsBidi != 0)
            emitter.Integer(TransportParameterId.InitialMaxStreamsBidi, p.InitialMaxStreamsBidi);
        if (p.InitialMaxStreamsUni != 0)
            emitter.Integer(TransportParameterId.InitialMaxStreamsUni, p.InitialMaxStreamsUni);
        if (p.AckDelayExponent != defaults.AckDelayExponent)
            emitter.Integer(TransportParameterId.AckDelayExponent, p.AckDelayExponent);
        if (p.MaxAckDelayMilliseconds != defaults.MaxAckDelayMilliseconds)
            emitter.Integer(TransportParameterId.MaxAckDelay, p.MaxAckDelayMilliseconds);
        if (p.DisableActiveMigration)
            emitter.Bytes(TransportParameterId.DisableActiveMigration, []);
        if (p.PreferredAddress is { } preferred)
            emitter.PreferredAddress(preferred);
        if (p.ActiveConnectionIdLimit != defaults.ActiveConnectionIdLimit)
            emitter.Integer(TransportParameterId.ActiveConnectionIdLimit, p.ActiveConnectionIdLimit);
        if (p.InitialSourceConnectionId is { } iscid)
            emitter.Bytes(TransportParameterId.InitialSourceConnectionId, iscid.Span);
        if (p.RetrySourceConnectionId is { } rscid)
            emitter.Bytes(TransportParameterId.RetrySourceConnectionId, rscid.Span);
        if (p.MaxDatagramFrameSize is { } maxDatagram)
            emitter.Integer(TransportParameterId.MaxDatagramFrameSize, maxDatagram);
        if (p.ResetStreamAt)
            emitter.Bytes(TransportParameterId.ResetStreamAt, []);
        if (p.GreaseQuicBit)
            emitter.Bytes(TransportParameterId.GreaseQuicBit, []);
        if (p.MinAckDelayMicroseconds is { } minAckDelay)
            emitter.Integer(TransportParameterId.MinAckDelay, minAckDelay);
    }

    private static ulong ReadInteger(ReadOnlySpan<byte> value, ulong id)
    {
        // §18: an integer parameter's value is exactly one varint.
        if (!QuicVarInt.TryRead(value, out ulong result, out int n) || n != value.Length)
            throw Error(id, "Malformed integer transport parameter.");
        return result;
    }

    private static bool ReadFlag(ReadOnlySpan<byte> value, ulong id) =>
        value.IsEmpty ? true : throw Error(id, "Zero-length transport parameter has a value.");

    private static ConnectionId ReadConnectionId(ReadOnlySpan<byte> value, ulong id) =>
        ConnectionId.TryCreate(value, out var connectionId) ? connectionId : throw Error(id, "Connection ID longer than 20 bytes.");

    private static StatelessResetToken ReadToken(ReadOnlySpan<byte> value, ulong id) =>
        value.Length == StatelessResetToken.Length ? new StatelessResetToken(value) : throw Error(id, "stateless_reset_token is not 16 bytes.");

    private static PreferredAddress ReadPreferredAddress(ReadOnlySpan<byte> value, ulong id)
    {
        if (value.Length < PreferredAddressFixedLength)
            throw Error(id, "Truncated preferred_address.");
        var ipv4 = new IPAddress(value[..4]);
        int ipv4Port = BinaryPrimitives.ReadUInt16BigEndian(value[4..]);
        var ipv6 = new IPAddress(value.Slice(6, 16));
        int ipv6Port = BinaryPrimitives.ReadUInt16BigEndian(value[22..]);
        int cidLength = value[24];
        // §18.2: a zero-length connection ID in preferred_address is a TRANSPORT_PARAMETER_ERROR.
        if (cidLength is 0 or > ConnectionId.MaxLength || value.Length != PreferredAddressFixedLength + cidLength)
            throw Error(id, "Malformed preferred_address connection ID.");
        var connectionId = new ConnectionId(value.Slice(25, cidLength));
        var token = new StatelessResetToken(value.Slice(25 + cidLength, StatelessResetToken.Length));
        return new PreferredAddress(
            ipv4Port == 0 && ipv4.Equals(IPAddress.Any) ? null : new IPEndPoint(ipv4, ipv4Port),
            ipv6Port == 0 && ipv6.Equals(IPAddress.IPv6Any) ? null : new IPEndPoint(ipv6, ipv6Port),
            connectionId, token);
    }

    private static QuicProtocolException Error(ulong? id, string reason) =>
        new(TransportErrorCode.TransportParameterError, null,
            id is { } value ? $"{reason} (transport parameter 0x{value:x})" : reason);

    /// <summary>Writes (or only counts) parameters, so length and encoding share one code path.</summary>
    private ref struct Emitter(Span<byte> destination, bool countOnly)
    {
        private readonly Span<byte> _destination = destination;
        private readonly bool _countOnly = countOnly;

        public int Position { get; private set; }

        public void Integer(TransportParameterId id, ulong value)
        {
            Header(id, QuicVarInt.GetEncodedLength(value));
            if (!_countOnly)
                QuicVarInt.Write(_destination[Position..], value);
            Position += QuicVarInt.GetEncodedLength(value);
        }

        public void Bytes(TransportParameterId id, scoped ReadOnlySpan<byte> value)
        {
            Header(id, value.Length);
            if (!_countOnly)
                value.CopyTo(_destination[Position..]);
            Position += value.Length;
        }

        public void PreferredAddress(PreferredAddress address)
        {
            if (address.ConnectionId.IsEmpty)
                throw new ArgumentException("preferred_address needs a non-empty connection ID (RFC 9000 §18.2).", nameof(address));
            int length = PreferredAddressFixedLength + address.ConnectionId.Length;
            Header(TransportParameterId.PreferredAddress, length);
            if (!_countOnly)
            {
                var d = _destination.Slice(Position, length);
                d.Clear();
                if (address.IPv4 is { } v4)
                {
                    if (!v4.Address.TryWriteBytes(d[..4], out int written) || written != 4)
                        throw new ArgumentException("preferred_address IPv4 is not an IPv4 address.", nameof(address));
                    BinaryPrimitives.WriteUInt16BigEndian(d[4..], (ushort)v4.Port);
                }

                if (address.IPv6 is { } v6)
                {
                    if (!v6.Address.TryWriteBytes(d.Slice(6, 16), out int written) || written != 16)
                        throw new ArgumentException("preferred_address IPv6 is not an IPv6 address.", nameof(address));
                    BinaryPrimitives.WriteUInt16BigEndian(d[22..], (ushort)v6.Port);
                }

                d[24] = (byte)address.ConnectionId.Length;
                address.ConnectionId.CopyTo(d[25..]);
                address.StatelessResetToken.Span.CopyTo(d[(25 + address.ConnectionId.Length)..]);
            }

            Position += length;
        }

        private void Header(TransportParameterId id, int valueLength)
        {
            if (!_countOnly)
            {
                int n = QuicVarInt.Write(_destination[Position..], (ulong)id);
                QuicVarInt.Write(_destination[(Position + n)..], (ulong)valueLength);
            }

            Position += QuicVarInt.GetEncodedLength((ulong)id) + QuicVarInt.GetEncodedLength((ulong)valueLength);
        }
    }
}
