using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MoqLive.Quic.Crypto;
using MoqLive.Quic.Tls.Internal;

namespace MoqLive.Quic.Tls;

/// <summary>
/// A sans-IO TLS 1.3 handshake for QUIC (RFC 9001 §4), one per connection, in the style of quinn's
/// <c>crypto::Session</c>. There are no records: handshake messages travel in CRYPTO frames at an encryption level.
/// </summary>
/// <remarks>
/// How the QUIC connection drives it:
/// <list type="number">
/// <item>Create it with <see cref="CreateClient"/> or <see cref="CreateServer"/> and the encoded local transport
/// parameters (RFC 9000 §18, opaque here). A client immediately has its ClientHello queued at Initial; both sides
/// derive Initial keys themselves with <see cref="QuicKeyDerivation.InitialKeys"/>.</item>
/// <item>Feed the in-order CRYPTO stream bytes of each level to <see cref="HandleCryptoData"/> as they arrive
/// (any chunking). It throws <see cref="TlsAlertException"/> on failure: close with its
/// <see cref="TlsAlertException.TransportErrorCode"/> (0x100 + alert).</item>
/// <item>After creation and after every <see cref="HandleCryptoData"/>, drain <see cref="TryPollKeys"/> (install
/// the keys of the returned level: Handshake, then OneRtt) and <see cref="TryPollCryptoData"/> for each level, and
/// send those bytes in CRYPTO frames of that level. Keys come out before the data that needs them.</item>
/// <item><see cref="IsHandshakeComplete"/>: client after sending its Finished, server after verifying the client's
/// Finished. A server must not process 1-RTT packets before then (RFC 9001 §5.7). The server's handshake is
/// confirmed on completion (it then sends HANDSHAKE_DONE); the client's when it receives HANDSHAKE_DONE, which the
/// QUIC layer reports with <see cref="ConfirmHandshake"/> (RFC 9001 §4.1.2).</item>
/// <item>Key update (RFC 9001 §6): <see cref="NextOneRttKeys"/> returns the next packet key generation.</item>
/// </list>
/// Not thread-safe: the connection calls it from its own loop. Checked against OpenSSL (SslStream, both roles, in
/// the tests) and ngtcp2/GnuTLS (captured Initial in the tests; full handshakes both ways run by hand).
/// Deliberately lenient: a non-empty legacy_session_id (RFC 9001 §8.4 SHOULD) is echoed, not rejected.
/// </remarks>
internal abstract class TlsSession : IDisposable
{
    /// <summary>Largest handshake message accepted (certificate chains are the big ones).</summary>
    internal const int MaxHandshakeMessageLength = 1 << 18;

    private readonly TlsWriter[] _inbound = [new(), new(), new()];
    private readonly int[] _inboundConsumed = new int[3];
    private readonly TlsWriter[] _outbound = [new(), new(), new()];
    private readonly Queue<LevelKeys> _pendingKeys = new();
    private OneRttSecrets? _oneRttSecrets;
    private TlsAlertException? _failure;

    private protected TlsSession(byte[] localTransportParameters)
    {
        LocalTransportParameters = localTransportParameters;
    }

    /// <summary>True for the server role.</summary>
    public abstract bool IsServer { get; }

    /// <summary>True once the handshake finished (see the type remarks for when exactly).</summary>
    public bool IsHandshakeComplete { get; private protected set; }

    /// <summary>True once the handshake is confirmed (RFC 9001 §4.1.2).</summary>
    public bool IsHandshakeConfirmed { get; private protected set; }

    /// <summary>The negotiated cipher suite, once ServerHello was sent or received.</summary>
    public CipherSuite? CipherSuite { get; private protected set; }

    /// <summary>The negotiated ALPN protocol, once known (server: after ClientHello; client: after EncryptedExtensions).</summary>
    public string? ApplicationProtocol { get; private protected set; }

    /// <summary>The peer's quic_transport_parameters extension, opaque (RFC 9001 §8.2).</summary>
    public byte[]? PeerTransportParameters { get; private protected set; }

    /// <summary>The server's leaf certificate (client side only).</summary>
    public X509Certificate2? PeerCertificate { get; private protected set; }

    /// <summary>Server: the SNI the client sent, if any. Client: the configured server name.</summary>
    public string? ServerName { get; private protected set; }

    /// <summary>The named group used for the key exchange.</summary>
    public ushort? KeyExchangeGroup { get; private protected set; }

    /// <summary>Whether a HelloRetryRequest happened.</summary>
    public bool UsedHelloRetryRequest { get; private protected set; }

    private protected byte[] LocalTransportParameters { get; }

    /// <summary>Where <see cref="LogSecret"/> writes; null when key logging is off.</summary>
    private protected Action<string>? KeyLog { get; init; }

    private protected Transcript Transcript { get; } = new();

    /// <summary>Encryption level at which the next peer handshake message must arrive; null when none is expected.</summary>
    private protected abstract EncryptionLevel? ExpectedLevel { get; }

    /// <summary>Creates a client and queues its ClientHello at Initial.</summary>
    public static TlsSession CreateClient(TlsClientOptions options, ReadOnlySpan<byte> localTransportParameters)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new TlsClientSession(options, localTransportParameters.ToArray());
    }

    /// <summary>Creates a server, which waits for the ClientHello.</summary>
    public static TlsSession CreateServer(TlsServerOptions options, ReadOnlySpan<byte> localTransportParameters)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new TlsServerSession(options, localTransportParameters.ToArray());
    }

    /// <summary>
    /// Consumes in-order CRYPTO stream bytes received at <paramref name="level"/>. Whole handshake messages are
    /// processed as soon as they are complete. Throws <see cref="TlsAlertException"/>; after that every call throws.
    /// </summary>
    public void HandleCryptoData(EncryptionLevel level, ReadOnlySpan<byte> data)
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        try
        {
            TlsWriter buffer = _inbound[(int)level];
            if (buffer.Length - _inboundConsumed[(int)level] + data.Length > MaxHandshakeMessageLength + 4)
            {
                throw new TlsAlertException(TlsAlert.UnexpectedMessage, "Too much buffered handshake data.");
            }

            buffer.WriteBytes(data);
            ProcessBuffered();
        }
        catch (TlsAlertException e)
        {
            _failure = e;
            throw;
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException or InvalidOperationException)
        {
            _failure = new TlsAlertException(TlsAlert.InternalError, "TLS handshake failed: " + e.Message, e);
            throw _failure;
        }
    }

    /// <summary>Takes the pending outgoing CRYPTO bytes of <paramref name="level"/>; false when there are none.</summary>
    public bool TryPollCryptoData(EncryptionLevel level, out byte[] data)
    {
        TlsWriter buffer = _outbound[(int)level];
        if (buffer.Length == 0)
        {
            data = [];
            return false;
        }

        data = buffer.ToArray();
        buffer.Reset();
        return true;
    }

    /// <summary>Takes the next newly available keys (Handshake, then OneRtt); false when there are none.</summary>
    public bool TryPollKeys(out LevelKeys keys)
    {
        if (_pendingKeys.Count == 0)
        {
            keys = null!;
            return false;
        }

        keys = _pendingKeys.Dequeue();
        return true;
    }

    /// <summary>
    /// Derives the next generation of 1-RTT packet keys for both directions (RFC 9001 §6.1) and makes it the
    /// current one for the following call. Header protection keys stay as installed.
    /// </summary>
    public PacketKeyPair NextOneRttKeys() =>
        (_oneRttSecrets ?? throw new InvalidOperationException("1-RTT keys are not available yet.")).Next();

    /// <summary>Client: HANDSHAKE_DONE was received. Server: no effect (confirmed on completion).</summary>
    public void ConfirmHandshake()
    {
        if (IsHandshakeComplete)
        {
            IsHandshakeConfirmed = true;
        }
    }

    public virtual void Dispose()
    {
        while (_pendingKeys.TryDequeue(out LevelKeys? keys))
        {
            keys.Dispose();
        }
    }

    /// <summary>Handles one complete handshake message (header included in <paramref name="message"/>).</summary>
    private protected abstract void HandleMessage(EncryptionLevel level, byte type, ReadOnlySpan<byte> body, ReadOnlySpan<byte> message);

    /// <summary>Frames a handshake message, adds it to the transcript and queues it at <paramref name="level"/>.</summary>
    private protected void SendMessage(EncryptionLevel level, byte type, TlsWriter body, bool addToTranscript = true) =>
        SendMessage(level, type, body.WrittenSpan, addToTranscript);

    /// <inheritdoc cref="SendMessage(EncryptionLevel, byte, TlsWriter, bool)"/>
    private protected void SendMessage(EncryptionLevel level, byte type, ReadOnlySpan<byte> body, bool addToTranscript = true)
    {
        var message = new TlsWriter();
        message.WriteUInt8(type);
        message.WriteUInt24(body.Length);
        message.WriteBytes(body);
        if (addToTranscript)
        {
            Transcript.Add(message.WrittenSpan);
        }

        _outbound[(int)level].WriteBytes(message.WrittenSpan);
    }

    private protected void QueueKeys(EncryptionLevel level, CipherSuite suite, byte[] localSecret, byte[] remoteSecret)
    {
        _pendingKeys.Enqueue(new LevelKeys(level, DirectionalKeys.FromSecret(suite, localSecret), DirectionalKeys.FromSecret(suite, remoteSecret)));
        if (level == EncryptionLevel.OneRtt)
        {
            _oneRttSecrets = new OneRttSecrets(suite, localSecret, remoteSecret);
        }
        else
        {
            CryptographicOperations.ZeroMemory(localSecret);
            CryptographicOperations.ZeroMemory(remoteSecret);
        }
    }

    /// <summary>Writes one NSS key log line: LABEL client_random secret.</summary>
    private protected void LogSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret) =>
        KeyLog?.Invoke($"{label} {Convert.ToHexStringLower(clientRandom)} {Convert.ToHexStringLower(secret)}");

    private protected static TlsAlertException Unexpected(string what) => new(TlsAlert.UnexpectedMessage, what);

    private void ProcessBuffered()
    {
        while (ExpectedLevel is EncryptionLevel level)
        {
            int index = (int)level;
            ReadOnlySpan<byte> available = _inbound[index].WrittenSpan[_inboundConsumed[index]..];
            if (available.Length < 4)
            {
                break;
            }

            int length = (available[1] << 16) | (available[2] << 8) | available[3];
            if (length > MaxHandshakeMessageLength)
            {
                throw new TlsAlertException(TlsAlert.DecodeError, "Handshake message too long.");
            }

            if (available.Length < 4 + length)
            {
                break;
            }

            ReadOnlySpan<byte> message = available[..(4 + length)];
            _inboundConsumed[index] += 4 + length;
            HandleMessage(level, message[0], message[4..], message);
            if (_inboundConsumed[index] == _inbound[index].Length)
            {
                _inbound[index].Reset();
                _inboundConsumed[index] = 0;
            }
        }

        // Data left at a level the handshake has moved past (or when nothing more is expected) can never be
        // valid: a handshake message must not span a key change (RFC 8446 §5.1, RFC 9001 §4.1.3).
        EncryptionLevel? expected = ExpectedLevel;
        for (int i = 0; i < 3; i++)
        {
            bool pending = _inbound[i].Length > _inboundConsumed[i];
            if (pending && (expected is null || i < (int)expected.Value))
            {
                throw Unexpected("Handshake data received at an unexpected encryption level.");
            }
        }
    }
}
