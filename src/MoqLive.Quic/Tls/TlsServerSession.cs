using System.Security.Cryptography;
using System.Text;
using MoqLive.Quic.Crypto;
using MoqLive.Quic.Tls.Internal;

namespace MoqLive.Quic.Tls;

/// <summary>The server side of the TLS 1.3 handshake (RFC 8446 §2, RFC 9001 §4). Drive it through <see cref="TlsSession"/>.</summary>
internal sealed class TlsServerSession : TlsSession
{
    private static readonly ushort[] s_defaultSuites = [0x1301, 0x1302, 0x1303];
    private static readonly ushort[] s_defaultGroups = [NamedGroup.X25519, NamedGroup.Secp256r1];

    private readonly TlsServerOptions _options;
    private readonly ushort[] _suites;
    private readonly ushort[] _groups;
    private State _state = State.WaitClientHello;
    private ushort? _helloRetryGroup;
    private KeySchedule? _schedule;
    private byte[]? _clientHandshakeSecret;

    public TlsServerSession(TlsServerOptions options, byte[] localTransportParameters)
        : base(localTransportParameters)
    {
        _options = options;
        KeyLog = options.KeyLog;
        _suites = options.CipherSuitesOverride ?? s_defaultSuites;
        _groups = options.SupportedGroupsOverride ?? s_defaultGroups;
    }

    private enum State
    {
        WaitClientHello,
        WaitFinished,
        Connected,
    }

    public override bool IsServer => true;

    private protected override EncryptionLevel? ExpectedLevel => _state switch
    {
        State.WaitClientHello => EncryptionLevel.Initial,
        State.WaitFinished => EncryptionLevel.Handshake,
        _ => null,
    };

    private protected override void HandleMessage(EncryptionLevel level, byte type, ReadOnlySpan<byte> body, ReadOnlySpan<byte> message)
    {
        switch (_state, type)
        {
            case (State.WaitClientHello, HandshakeType.ClientHello):
                HandleClientHello(ClientHello.Parse(body), message);
                break;
            case (State.WaitFinished, HandshakeType.Finished):
                HandleFinished(body, message);
                break;
            default:
                throw Unexpected($"Unexpected handshake message {type} in state {_state}.");
        }
    }

    private void HandleClientHello(ClientHello hello, ReadOnlySpan<byte> message)
    {
        if (!hello.SupportedVersions.Contains(TlsVersion.Tls13))
        {
            throw new TlsAlertException(TlsAlert.ProtocolVersion, "Client does not support TLS 1.3.");
        }

        if (hello.CompressionMethods is not [0])
        {
            throw new TlsAlertException(TlsAlert.IllegalParameter, "TLS 1.3 ClientHello must offer only null compression.");
        }

        // The suite follows the client's order (RFC 8446 leaves the choice to the server).
        CipherSuite suite;
        if (CipherSuite is CipherSuite retrySuite)
        {
            suite = hello.CipherSuites.Contains((ushort)retrySuite)
                ? retrySuite
                : throw new TlsAlertException(TlsAlert.IllegalParameter, "Second ClientHello dropped the cipher suite.");
        }
        else
        {
            ushort chosen = hello.CipherSuites.FirstOrDefault(s => _suites.Contains(s) && CipherSuiteExtensions.IsSupported(s));
            suite = chosen != 0 ? (CipherSuite)chosen : throw new TlsAlertException(TlsAlert.HandshakeFailure, "No common cipher suite.");
        }

        if (hello.SignatureAlgorithms is null)
        {
            throw new TlsAlertException(TlsAlert.MissingExtension, "ClientHello has no signature_algorithms.");
        }

        ushort scheme = CertificateVerifyContent.ChooseScheme(_options.Certificate!.PrivateKey, hello.SignatureAlgorithms)
            ?? throw new TlsAlertException(TlsAlert.HandshakeFailure, "No common signature scheme for the server certificate.");

        if (hello.KeyShares is null || hello.SupportedGroups is null)
        {
            throw new TlsAlertException(TlsAlert.MissingExtension, "ClientHello has no key_share or supported_groups.");
        }

        // RFC 9001 §8.1: ALPN is mandatory; the server picks by its own preference.
        if (hello.ApplicationProtocols is null)
        {
            throw new TlsAlertException(TlsAlert.NoApplicationProtocol, "ClientHello offers no ALPN protocol.");
        }

        string? alpn = _options.ApplicationProtocols.FirstOrDefault(p =>
            hello.ApplicationProtocols.Any(offered => offered.AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(p))));
        if (alpn is null)
        {
            throw new TlsAlertException(TlsAlert.NoApplicationProtocol, "No common ALPN protocol.");
        }

        // RFC 9001 §8.2
        if (hello.TransportParameters is null && !_options.TransportParametersOptional)
        {
            throw new TlsAlertException(TlsAlert.MissingExtension, "ClientHello has no quic_transport_parameters.");
        }

        // First share the client sent for a group we support; GREASE, X25519MLKEM768 and others are skipped.
        (ushort Group, byte[] KeyExchange)? share = null;
        foreach ((ushort Group, byte[] KeyExchange) candidate in hello.KeyShares)
        {
            if (_groups.Contains(candidate.Group) && NamedGroup.IsSupported(candidate.Group) &&
                (_helloRetryGroup is null || candidate.Group == _helloRetryGroup))
            {
                share = candidate;
                break;
            }
        }

        if (share is null)
        {
            if (_helloRetryGroup is not null)
            {
                throw new TlsAlertException(TlsAlert.IllegalParameter, "Second ClientHello lacks the requested key share.");
            }

            ushort retryGroup = hello.SupportedGroups.FirstOrDefault(g => _groups.Contains(g) && NamedGroup.IsSupported(g));
            if (retryGroup == 0)
            {
                throw new TlsAlertException(TlsAlert.HandshakeFailure, "No common key exchange group.");
            }

            SendHelloRetryRequest(hello, suite, retryGroup, message);
            return;
        }

        ServerName = hello.ServerName;
        ApplicationProtocol = alpn;
        PeerTransportParameters = hello.TransportParameters;
        CipherSuite = suite;
        KeyExchangeGroup = share.Value.Group;
        Transcript.Add(message);

        using KeyShare serverShare = KeyShare.Create(share.Value.Group);
        byte[] sharedSecret = serverShare.Agree(share.Value.KeyExchange);
        HashAlgorithmName hash = suite.HashAlgorithm();

        // ServerHello (Initial)
        var serverHello = new TlsWriter();
        serverHello.WriteUInt16(TlsVersion.Tls12);
        serverHello.WriteBytes(RandomNumberGenerator.GetBytes(32));
        serverHello.WriteVector8(hello.SessionId);
        serverHello.WriteUInt16((ushort)suite);
        serverHello.WriteUInt8(0);
        int extensions = serverHello.BeginVector(2);
        serverHello.WriteUInt16(ExtensionType.SupportedVersions);
        serverHello.WriteUInt16(2);
        serverHello.WriteUInt16(TlsVersion.Tls13);
        serverHello.WriteUInt16(ExtensionType.KeyShare);
        int keyShareExt = serverHello.BeginVector(2);
        serverHello.WriteUInt16(serverShare.Group);
        serverHello.WriteVector16(serverShare.PublicKey);
        serverHello.EndVector(keyShareExt);
        serverHello.EndVector(extensions);
        SendMessage(EncryptionLevel.Initial, HandshakeType.ServerHello, serverHello);

        _schedule = new KeySchedule(hash);
        _schedule.SetSharedSecret(sharedSecret);
        CryptographicOperations.ZeroMemory(sharedSecret);
        (byte[] clientHs, byte[] serverHs) = _schedule.HandshakeTrafficSecrets(Transcript.Hash(hash));
        _clientHandshakeSecret = clientHs;
        LogSecret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", hello.Random, clientHs);
        LogSecret("SERVER_HANDSHAKE_TRAFFIC_SECRET", hello.Random, serverHs);
        QueueKeys(EncryptionLevel.Handshake, suite, (byte[])serverHs.Clone(), (byte[])clientHs.Clone());

        // EncryptedExtensions, Certificate, CertificateVerify, Finished (Handshake)
        var encryptedExtensions = new TlsWriter();
        int eeExtensions = encryptedExtensions.BeginVector(2);
        encryptedExtensions.WriteUInt16(ExtensionType.ApplicationLayerProtocolNegotiation);
        int alpnExt = encryptedExtensions.BeginVector(2);
        int alpnList = encryptedExtensions.BeginVector(2);
        encryptedExtensions.WriteVector8(Encoding.ASCII.GetBytes(alpn));
        encryptedExtensions.EndVector(alpnList);
        encryptedExtensions.EndVector(alpnExt);
        if (hello.TransportParameters is not null)
        {
            encryptedExtensions.WriteUInt16(ExtensionType.QuicTransportParameters);
            encryptedExtensions.WriteVector16(LocalTransportParameters);
        }

        encryptedExtensions.EndVector(eeExtensions);
        SendMessage(EncryptionLevel.Handshake, HandshakeType.EncryptedExtensions, encryptedExtensions);

        SendMessage(EncryptionLevel.Handshake, HandshakeType.Certificate, _options.Certificate.CertificateMessageBody);

        var certificateVerify = new TlsWriter();
        certificateVerify.WriteUInt16(scheme);
        certificateVerify.WriteVector16(CertificateVerifyContent.Sign(_options.Certificate.PrivateKey, scheme, Transcript.Hash(hash)));
        SendMessage(EncryptionLevel.Handshake, HandshakeType.CertificateVerify, certificateVerify);

        var finished = new TlsWriter();
        finished.WriteBytes(_schedule.FinishedVerifyData(serverHs, Transcript.Hash(hash)));
        SendMessage(EncryptionLevel.Handshake, HandshakeType.Finished, finished);
        CryptographicOperations.ZeroMemory(serverHs);

        // The server may send 0.5-RTT data; it must not process 1-RTT packets before the client's Finished.
        (byte[] clientApp, byte[] serverApp) = _schedule.ApplicationTrafficSecrets(Transcript.Hash(hash));
        LogSecret("CLIENT_TRAFFIC_SECRET_0", hello.Random, clientApp);
        LogSecret("SERVER_TRAFFIC_SECRET_0", hello.Random, serverApp);
        QueueKeys(EncryptionLevel.OneRtt, suite, serverApp, clientApp);
        _state = State.WaitFinished;
    }

    private void SendHelloRetryRequest(ClientHello hello, CipherSuite suite, ushort group, ReadOnlySpan<byte> clientHello1)
    {
        UsedHelloRetryRequest = true;
        _helloRetryGroup = group;
        CipherSuite = suite;
        Transcript.Add(clientHello1);
        Transcript.ReplaceWithMessageHash(suite.HashAlgorithm());

        var body = new TlsWriter();
        body.WriteUInt16(TlsVersion.Tls12);
        body.WriteBytes(ServerHelloMessages.HelloRetryRequestRandom);
        body.WriteVector8(hello.SessionId);
        body.WriteUInt16((ushort)suite);
        body.WriteUInt8(0);
        int extensions = body.BeginVector(2);
        body.WriteUInt16(ExtensionType.SupportedVersions);
        body.WriteUInt16(2);
        body.WriteUInt16(TlsVersion.Tls13);
        body.WriteUInt16(ExtensionType.KeyShare);
        body.WriteUInt16(2);
        body.WriteUInt16(group);
        body.EndVector(extensions);
        SendMessage(EncryptionLevel.Initial, HandshakeType.ServerHello, body);
    }

    private void HandleFinished(ReadOnlySpan<byte> body, ReadOnlySpan<byte> message)
    {
        byte[] expected = _schedule!.FinishedVerifyData(_clientHandshakeSecret, Transcript.Hash(CipherSuite!.Value.HashAlgorithm()));
        if (body.Length != expected.Length || !CryptographicOperations.FixedTimeEquals(body, expected))
        {
            throw new TlsAlertException(TlsAlert.DecryptError, "Client Finished does not verify.");
        }

        Transcript.Add(message);
        CryptographicOperations.ZeroMemory(_clientHandshakeSecret);
        _state = State.Connected;
        IsHandshakeComplete = true;
        IsHandshakeConfirmed = true; // RFC 9001 §4.1.2
    }
}
