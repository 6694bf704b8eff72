using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MoqLive.Quic.Crypto;
using MoqLive.Quic.Tls.Internal;

namespace MoqLive.Quic.Tls;

/// <summary>The client side of the TLS 1.3 handshake (RFC 8446 §2, RFC 9001 §4). Drive it through <see cref="TlsSession"/>.</summary>
internal sealed class TlsClientSession : TlsSession
{
    private static readonly ushort[] s_defaultSuites = [0x1301, 0x1302, 0x1303];
    private static readonly ushort[] s_defaultGroups = [NamedGroup.X25519, NamedGroup.Secp256r1];

    private readonly TlsClientOptions _options;
    private readonly ushort[] _offeredSuites;
    private readonly ushort[] _offeredGroups;
    private readonly List<byte[]> _offeredAlpn;
    private readonly byte[] _random = RandomNumberGenerator.GetBytes(32);
    private readonly List<KeyShare> _keyShares = [];
    private State _state;
    private KeySchedule? _schedule;
    private byte[]? _clientHandshakeSecret;
    private byte[]? _serverHandshakeSecret;
    private byte[]? _cookie;
    private bool _certificateRequested;
    private byte[] _certificateRequestContext = [];

    public TlsClientSession(TlsClientOptions options, byte[] localTransportParameters)
        : base(localTransportParameters)
    {
        _options = options;
        KeyLog = options.KeyLog;
        _offeredSuites = options.CipherSuitesOverride ?? s_defaultSuites;
        _offeredGroups = options.SupportedGroupsOverride ?? s_defaultGroups;
        _offeredAlpn = [.. options.ApplicationProtocols.Select(Encoding.ASCII.GetBytes)];
        ServerName = options.ServerName;
        foreach (ushort group in options.KeyShareGroupsOverride ?? [NamedGroup.X25519])
        {
            _keyShares.Add(KeyShare.Create(group));
        }

        SendClientHello(includeExtraKeyShares: true);
        _state = State.WaitServerHello;
    }

    private enum State
    {
        WaitServerHello,
        WaitEncryptedExtensions,
        WaitCertificateOrRequest,
        WaitCertificate,
        WaitCertificateVerify,
        WaitFinished,
        Connected,
    }

    public override bool IsServer => false;

    /// <summary>Whether the server sent a CertificateRequest (answered with an empty Certificate).</summary>
    internal bool CertificateRequested => _certificateRequested;

    private protected override EncryptionLevel? ExpectedLevel => _state switch
    {
        State.WaitServerHello => EncryptionLevel.Initial,
        State.Connected => EncryptionLevel.OneRtt,
        _ => EncryptionLevel.Handshake,
    };

    public override void Dispose()
    {
        foreach (KeyShare share in _keyShares)
        {
            share.Dispose();
        }

        base.Dispose();
    }

    private protected override void HandleMessage(EncryptionLevel level, byte type, ReadOnlySpan<byte> body, ReadOnlySpan<byte> message)
    {
        switch (_state, type)
        {
            case (State.WaitServerHello, HandshakeType.ServerHello):
                HandleServerHello(body, message);
                break;
            case (State.WaitEncryptedExtensions, HandshakeType.EncryptedExtensions):
                Transcript.Add(message);
                HandleEncryptedExtensions(body);
                _state = State.WaitCertificateOrRequest;
                break;
            case (State.WaitCertificateOrRequest, HandshakeType.CertificateRequest):
                Transcript.Add(message);
                HandleCertificateRequest(body);
                _state = State.WaitCertificate;
                break;
            case (State.WaitCertificateOrRequest or State.WaitCertificate, HandshakeType.Certificate):
                Transcript.Add(message);
                HandleCertificate(body);
                _state = State.WaitCertificateVerify;
                break;
            case (State.WaitCertificateVerify, HandshakeType.CertificateVerify):
                HandleCertificateVerify(body);
                Transcript.Add(message);
                _state = State.WaitFinished;
                break;
            case (State.WaitFinished, HandshakeType.Finished):
                HandleFinished(body, message);
                break;
            case (State.Connected, HandshakeType.NewSessionTicket):
                // No resumption: tickets are read and dropped (RFC 8446 §4.6.1).
                break;
            default:
                // Includes KeyUpdate, which QUIC forbids (RFC 9001 §6).
                throw Unexpected($"Unexpected handshake message {type} in state {_state}.");
        }
    }

    private void SendClientHello(bool includeExtraKeyShares)
    {
        var body = new TlsWriter();
        body.WriteUInt16(TlsVersion.Tls12);
        body.WriteBytes(_random);
        body.WriteUInt8(0); // RFC 9001 §8.4: no legacy session ID (no middlebox compatibility mode).
        int suites = body.BeginVector(2);
        foreach (ushort suite in _offeredSuites)
        {
            body.WriteUInt16(suite);
        }

        body.EndVector(suites);
        body.WriteUInt8(1);
        body.WriteUInt8(0);

        int extensions = body.BeginVector(2);
        {
            foreach ((ushort type, byte[] data) in _options.ExtraExtensions)
            {
                body.WriteUInt16(type);
                body.WriteVector16(data);
            }
        }

        if (ServerName is { Length: > 0 } name && !IPAddress.TryParse(name, out _))
        {
            body.WriteUInt16(ExtensionType.ServerName);
            int ext = body.BeginVector(2);
            int list = body.BeginVector(2);
            body.WriteUInt8(0); // host_name
            body.WriteVector16(Encoding.ASCII.GetBytes(name));
            body.EndVector(list);
            body.EndVector(ext);
        }

        WriteUInt16ListExtension(body, ExtensionType.SupportedGroups, _offeredGroups);
        WriteUInt16ListExtension(body, ExtensionType.SignatureAlgorithms, SignatureScheme.ClientOffered);

        body.WriteUInt16(ExtensionType.SupportedVersions);
        body.WriteUInt16(3);
        body.WriteUInt8(2);
        body.WriteUInt16(TlsVersion.Tls13);

        body.WriteUInt16(ExtensionType.KeyShare);
        int keyShareExt = body.BeginVector(2);
        int shares = body.BeginVector(2);
        if (includeExtraKeyShares)
        {
            foreach ((ushort group, byte[] keyExchange) in _options.ExtraKeyShares)
            {
                body.WriteUInt16(group);
                body.WriteVector16(keyExchange);
            }
        }

        foreach (KeyShare share in _keyShares)
        {
            body.WriteUInt16(share.Group);
            body.WriteVector16(share.PublicKey);
        }

        body.EndVector(shares);
        body.EndVector(keyShareExt);

        if (_cookie is not null)
        {
            body.WriteUInt16(ExtensionType.Cookie);
            int cookieExt = body.BeginVector(2);
            body.WriteVector16(_cookie);
            body.EndVector(cookieExt);
        }

        body.WriteUInt16(ExtensionType.ApplicationLayerProtocolNegotiation);
        int alpnExt = body.BeginVector(2);
        int alpnList = body.BeginVector(2);
        foreach (byte[] protocol in _offeredAlpn)
        {
            body.WriteVector8(protocol);
        }

        body.EndVector(alpnList);
        body.EndVector(alpnExt);

        body.WriteUInt16(ExtensionType.QuicTransportParameters);
        body.WriteVector16(LocalTransportParameters);
        body.EndVector(extensions);

        SendMessage(EncryptionLevel.Initial, HandshakeType.ClientHello, body);
    }

    private static void WriteUInt16ListExtension(TlsWriter body, ushort type, ushort[] values)
    {
        body.WriteUInt16(type);
        int ext = body.BeginVector(2);
        int list = body.BeginVector(2);
        foreach (ushort v in values)
        {
            body.WriteUInt16(v);
        }

        body.EndVector(list);
        body.EndVector(ext);
    }

    private void HandleServerHello(ReadOnlySpan<byte> body, ReadOnlySpan<byte> message)
    {
        var reader = new TlsReader(body);
        ushort legacyVersion = reader.ReadUInt16();
        ReadOnlySpan<byte> random = reader.ReadBytes(32);
        ReadOnlySpan<byte> sessionIdEcho = reader.ReadVector8();
        ushort suiteValue = reader.ReadUInt16();
        byte compression = reader.ReadUInt8();
        ReadOnlySpan<byte> extensions = reader.ReadVector16();
        reader.EnsureEnd();

        bool isHelloRetryRequest = random.SequenceEqual(ServerHelloMessages.HelloRetryRequestRandom);
        if (legacyVersion != TlsVersion.Tls12 || compression != 0 || !sessionIdEcho.IsEmpty)
        {
            throw new TlsAlertException(TlsAlert.IllegalParameter, "ServerHello legacy fields are invalid.");
        }

        if (!_offeredSuites.Contains(suiteValue) || !CipherSuiteExtensions.IsSupported(suiteValue))
        {
            throw new TlsAlertException(TlsAlert.IllegalParameter, "ServerHello selected a cipher suite that was not offered.");
        }

        ushort? selectedVersion = null;
        ushort? keyShareGroup = null;
        ReadOnlySpan<byte> keyShareData = default;
        byte[]? cookie = null;
        var seen = new HashSet<ushort>();
        var extReader = new TlsReader(extensions);
        while (!extReader.IsEmpty)
        {
            ushort extType = extReader.ReadUInt16();
            ReadOnlySpan<byte> data = extReader.ReadVector16();
            if (!seen.Add(extType))
            {
                throw new TlsAlertException(TlsAlert.IllegalParameter, "Duplicate extension in ServerHello.");
            }

            var r = new TlsReader(data);
            switch (extType)
            {
                case ExtensionType.SupportedVersions:
                    selectedVersion = r.ReadUInt16();
                    r.EnsureEnd();
                    break;
                case ExtensionType.KeyShare:
                    keyShareGroup = r.ReadUInt16();
                    if (!isHelloRetryRequest)
                    {
                        keyShareData = r.ReadVector16(1);
                    }

                    r.EnsureEnd();
                    break;
                case ExtensionType.Cookie when isHelloRetryRequest:
                    cookie = r.ReadVector16(1).ToArray();
                    r.EnsureEnd();
                    break;
                default:
                    // RFC 8446 §4.1.3/§4.1.4: only the extensions we offered may appear.
                    throw new TlsAlertException(TlsAlert.UnsupportedExtension, $"Unexpected extension {extType} in ServerHello.");
            }
        }

        if (selectedVersion != TlsVersion.Tls13)
        {
            throw new TlsAlertException(selectedVersion is null ? TlsAlert.ProtocolVersion : TlsAlert.IllegalParameter, "Server did not select TLS 1.3.");
        }

        if (keyShareGroup is null)
        {
            throw new TlsAlertException(TlsAlert.MissingExtension, "ServerHello has no key_share.");
        }

        var suite = (CipherSuite)suiteValue;
        if (isHelloRetryRequest)
        {
            HandleHelloRetryRequest(suite, keyShareGroup.Value, cookie, message);
            return;
        }

        if (UsedHelloRetryRequest && suite != CipherSuite)
        {
            throw new TlsAlertException(TlsAlert.IllegalParameter, "ServerHello cipher suite differs from HelloRetryRequest.");
        }

        KeyShare share = _keyShares.FirstOrDefault(s => s.Group == keyShareGroup.Value)
            ?? throw new TlsAlertException(TlsAlert.IllegalParameter, "ServerHello key_share is for a group we did not send.");
        byte[] sharedSecret = share.Agree(keyShareData);

        CipherSuite = suite;
        KeyExchangeGroup = share.Group;
        Transcript.Add(message);
        HashAlgorithmName hash = suite.HashAlgorithm();
        _schedule = new KeySchedule(hash);
        _schedule.SetSharedSecret(sharedSecret);
        CryptographicOperations.ZeroMemory(sharedSecret);
        (byte[] client, byte[] server) = _schedule.HandshakeTrafficSecrets(Transcript.Hash(hash));
        _clientHandshakeSecret = client;
        _serverHandshakeSecret = server;
        LogSecret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", _random, client);
        LogSecret("SERVER_HANDSHAKE_TRAFFIC_SECRET", _random, server);
        QueueKeys(EncryptionLevel.Handshake, suite, (byte[])client.Clone(), (byte[])server.Clone());
        _state = State.WaitEncryptedExtensions;
    }

    private void HandleHelloRetryRequest(CipherSuite suite, ushort group, byte[]? cookie, ReadOnlySpan<byte> message)
    {
        // RFC 8446 §4.1.4: abort if the HRR would not change the ClientHello, or if it is the second one.
        if (UsedHelloRetryRequest)
        {
            throw Unexpected("Second HelloRetryRequest.");
        }

        if (!_offeredGroups.Contains(group) || !NamedGroup.IsSupported(group) || _keyShares.Any(s => s.Group == group))
        {
            throw new TlsAlertException(TlsAlert.IllegalParameter, "HelloRetryRequest selected an unusable group.");
        }

        UsedHelloRetryRequest = true;
        CipherSuite = suite;
        _cookie = cookie;
        HashAlgorithmName hash = suite.HashAlgorithm();
        Transcript.ReplaceWithMessageHash(hash);
        Transcript.Add(message);
        foreach (KeyShare old in _keyShares)
        {
            old.Dispose();
        }

        _keyShares.Clear();
        _keyShares.Add(KeyShare.Create(group));
        SendClientHello(includeExtraKeyShares: false);
    }

    private void HandleEncryptedExtensions(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        ReadOnlySpan<byte> extensions = reader.ReadVector16();
        reader.EnsureEnd();
        var seen = new HashSet<ushort>();
        var extReader = new TlsReader(extensions);
        while (!extReader.IsEmpty)
        {
            ushort extType = extReader.ReadUInt16();
            ReadOnlySpan<byte> data = extReader.ReadVector16();
            if (!seen.Add(extType))
            {
                throw new TlsAlertException(TlsAlert.IllegalParameter, "Duplicate extension in EncryptedExtensions.");
            }

            var r = new TlsReader(data);
            switch (extType)
            {
                case ExtensionType.ApplicationLayerProtocolNegotiation:
                {
                    var list = new TlsReader(r.ReadVector16(2));
                    r.EnsureEnd();
                    ReadOnlySpan<byte> selected = list.ReadVector8(1);
                    list.EnsureEnd();
                    byte[]? offered = null;
                    foreach (byte[] candidate in _offeredAlpn)
                    {
                        if (candidate.AsSpan().SequenceEqual(selected))
                        {
                            offered = candidate;
                            break;
                        }
                    }

                    ApplicationProtocol = offered is null
                        ? throw new TlsAlertException(TlsAlert.IllegalParameter, "Server selected an ALPN protocol that was not offered.")
                        : Encoding.ASCII.GetString(offered);
                    break;
                }

                case ExtensionType.QuicTransportParameters:
                    PeerTransportParameters = data.ToArray();
                    break;
                case ExtensionType.KeyShare or ExtensionType.SupportedVersions or ExtensionType.Cookie or ExtensionType.PreSharedKey
                    or ExtensionType.SignatureAlgorithms or ExtensionType.PskKeyExchangeModes:
                    throw new TlsAlertException(TlsAlert.IllegalParameter, $"Extension {extType} is not allowed in EncryptedExtensions.");
                default:
                    // server_name acknowledgement, supported_groups and anything else carry nothing we need.
                    break;
            }
        }

        // RFC 9001 §8.1: ALPN is mandatory for QUIC.
        if (ApplicationProtocol is null)
        {
            throw new TlsAlertException(TlsAlert.NoApplicationProtocol, "Server did not select an ALPN protocol.");
        }

        // RFC 9001 §8.2: missing transport parameters are a missing_extension error.
        if (PeerTransportParameters is null && !_options.TransportParametersOptional)
        {
            throw new TlsAlertException(TlsAlert.MissingExtension, "Server did not send quic_transport_parameters.");
        }
    }

    private void HandleCertificateRequest(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        _certificateRequestContext = reader.ReadVector8().ToArray();
        reader.ReadVector16(2);
        reader.EnsureEnd();
        _certificateRequested = true;
    }

    private void HandleCertificate(ReadOnlySpan<byte> body)
    {
        List<X509Certificate2> chain = CertificateMessage.Parse(body);
        ServerCertificateValidator.Validate(_options, chain);
        PeerCertificate = chain[0];
        for (int i = 1; i < chain.Count; i++)
        {
            chain[i].Dispose();
        }
    }

    private void HandleCertificateVerify(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        ushort scheme = reader.ReadUInt16();
        ReadOnlySpan<byte> signature = reader.ReadVector16(1);
        reader.EnsureEnd();
        if (!SignatureScheme.ClientOffered.Contains(scheme))
        {
            throw new TlsAlertException(TlsAlert.IllegalParameter, "CertificateVerify uses a scheme that was not offered.");
        }

        CertificateVerifyContent.Verify(PeerCertificate!, scheme, signature, Transcript.Hash(CipherSuite!.Value.HashAlgorithm()));
    }

    private void HandleFinished(ReadOnlySpan<byte> body, ReadOnlySpan<byte> message)
    {
        CipherSuite suite = CipherSuite!.Value;
        HashAlgorithmName hash = suite.HashAlgorithm();
        byte[] expected = _schedule!.FinishedVerifyData(_serverHandshakeSecret, Transcript.Hash(hash));
        if (body.Length != expected.Length || !CryptographicOperations.FixedTimeEquals(body, expected))
        {
            throw new TlsAlertException(TlsAlert.DecryptError, "Server Finished does not verify.");
        }

        Transcript.Add(message);
        (byte[] clientApp, byte[] serverApp) = _schedule.ApplicationTrafficSecrets(Transcript.Hash(hash));
        LogSecret("CLIENT_TRAFFIC_SECRET_0", _random, clientApp);
        LogSecret("SERVER_TRAFFIC_SECRET_0", _random, serverApp);

        if (_certificateRequested)
        {
            // We have no client certificate: an empty Certificate message (RFC 8446 §4.4.2).
            var certificate = new TlsWriter();
            certificate.WriteVector8(_certificateRequestContext);
            certificate.WriteUInt24(0);
            SendMessage(EncryptionLevel.Handshake, HandshakeType.Certificate, certificate);
        }

        var finished = new TlsWriter();
        finished.WriteBytes(_schedule.FinishedVerifyData(_clientHandshakeSecret, Transcript.Hash(hash)));
        SendMessage(EncryptionLevel.Handshake, HandshakeType.Finished, finished);
        QueueKeys(EncryptionLevel.OneRtt, suite, clientApp, serverApp);
        CryptographicOperations.ZeroMemory(_clientHandshakeSecret);
        CryptographicOperations.ZeroMemory(_serverHandshakeSecret);
        _state = State.Connected;
        IsHandshakeComplete = true;
    }
}
