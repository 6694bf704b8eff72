using System.Text;

namespace MoqLive.Quic.Tls.Internal;

/// <summary>A parsed ClientHello (RFC 8446 §4.1.2) with the extensions this server uses; others are ignored.</summary>
internal sealed class ClientHello
{
    public byte[] Random { get; private init; } = [];

    public byte[] SessionId { get; private init; } = [];

    public List<ushort> CipherSuites { get; } = [];

    public byte[] CompressionMethods { get; private init; } = [];

    public string? ServerName { get; private set; }

    public List<ushort> SupportedVersions { get; } = [];

    public List<ushort>? SupportedGroups { get; private set; }

    public List<ushort>? SignatureAlgorithms { get; private set; }

    public List<(ushort Group, byte[] KeyExchange)>? KeyShares { get; private set; }

    public List<byte[]>? ApplicationProtocols { get; private set; }

    public byte[]? TransportParameters { get; private set; }

    public static ClientHello Parse(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        reader.ReadUInt16(); // legacy_version
        ReadOnlySpan<byte> random = reader.ReadBytes(32);
        ReadOnlySpan<byte> sessionId = reader.ReadVector8();
        if (sessionId.Length > 32)
        {
            throw TlsReader.Malformed("legacy_session_id longer than 32 bytes");
        }

        ReadOnlySpan<byte> suites = reader.ReadVector16(2);
        ReadOnlySpan<byte> compression = reader.ReadVector8(1);
        var hello = new ClientHello { Random = random.ToArray(), SessionId = sessionId.ToArray(), CompressionMethods = compression.ToArray() };
        if (suites.Length % 2 != 0)
        {
            throw TlsReader.Malformed("odd cipher_suites length");
        }

        var suiteReader = new TlsReader(suites);
        while (!suiteReader.IsEmpty)
        {
            hello.CipherSuites.Add(suiteReader.ReadUInt16());
        }

        // A ClientHello without extensions is TLS 1.2 or older.
        if (reader.IsEmpty)
        {
            return hello;
        }

        ReadOnlySpan<byte> extensions = reader.ReadVector16();
        reader.EnsureEnd();
        var seen = new HashSet<ushort>();
        var extReader = new TlsReader(extensions);
        while (!extReader.IsEmpty)
        {
            ushort type = extReader.ReadUInt16();
            ReadOnlySpan<byte> data = extReader.ReadVector16();
            if (!seen.Add(type))
            {
                throw new TlsAlertException(TlsAlert.IllegalParameter, "Duplicate extension in ClientHello.");
            }

            hello.ParseExtension(type, data);
        }

        return hello;
    }

    private static List<ushort> ReadUInt16List(ReadOnlySpan<byte> data, bool oneByteLength)
    {
        var outer = new TlsReader(data);
        ReadOnlySpan<byte> listBytes = oneByteLength ? outer.ReadVector8(2) : outer.ReadVector16(2);
        outer.EnsureEnd();
        if (listBytes.Length % 2 != 0)
        {
            throw TlsReader.Malformed("odd list length");
        }

        var list = new List<ushort>(listBytes.Length / 2);
        var reader = new TlsReader(listBytes);
        while (!reader.IsEmpty)
        {
            list.Add(reader.ReadUInt16());
        }

        return list;
    }

    private void ParseExtension(ushort type, ReadOnlySpan<byte> data)
    {
        switch (type)
        {
            case ExtensionType.ServerName:
            {
                var outer = new TlsReader(data);
                var list = new TlsReader(outer.ReadVector16(1));
                outer.EnsureEnd();
                while (!list.IsEmpty)
                {
                    byte nameType = list.ReadUInt8();
                    ReadOnlySpan<byte> name = list.ReadVector16(1);
                    if (nameType == 0 && ServerName is null)
                    {
                        ServerName = Encoding.ASCII.GetString(name);
                    }
                }

                break;
            }

            case ExtensionType.SupportedVersions:
                SupportedVersions.AddRange(ReadUInt16List(data, oneByteLength: true));
                break;
            case ExtensionType.SupportedGroups:
                SupportedGroups = ReadUInt16List(data, oneByteLength: false);
                break;
            case ExtensionType.SignatureAlgorithms:
                SignatureAlgorithms = ReadUInt16List(data, oneByteLength: false);
                break;
            case ExtensionType.KeyShare:
            {
                var outer = new TlsReader(data);
                var list = new TlsReader(outer.ReadVector16());
                outer.EnsureEnd();
                KeyShares = [];
                while (!list.IsEmpty)
                {
                    ushort group = list.ReadUInt16();
                    byte[] keyExchange = list.ReadVector16(1).ToArray();
                    KeyShares.Add((group, keyExchange));
                }

                break;
            }

            case ExtensionType.ApplicationLayerProtocolNegotiation:
            {
                var outer = new TlsReader(data);
                var list = new TlsReader(outer.ReadVector16(2));
                outer.EnsureEnd();
                ApplicationProtocols = [];
                while (!list.IsEmpty)
                {
                    ApplicationProtocols.Add(list.ReadVector8(1).ToArray());
                }

                break;
            }

            case ExtensionType.QuicTransportParameters:
                TransportParameters = data.ToArray();
                break;
            default:
                // GREASE, ALPS (17513/17613), psk_key_exchange_modes, pre_shared_key, padding, ...: ignored.
                break;
        }
    }
}
