using MoqLive.Quic.Crypto;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Tests.Tls.Interop;

/// <summary>
/// Runs a QUIC-style <see cref="TlsSession"/> over the TLS 1.3 record layer (RFC 8446 §5), test-only, so the
/// handshake can be checked against an independent implementation (OpenSSL behind SslStream). The record keys
/// come from the session's key log: key = HKDF-Expand-Label(secret, "key"), iv = ..."iv", nonce = iv xor sequence,
/// exactly the construction PacketKey implements for QUIC packet numbers.
/// </summary>
internal sealed class TlsRecordAdapter
{
    private const byte ChangeCipherSpec = 20;
    private const byte Alert = 21;
    private const byte Handshake = 22;
    private const byte ApplicationData = 23;

    private readonly Stream _stream;
    private readonly bool _isServer;
    private readonly Dictionary<string, byte[]> _secrets = [];
    private readonly Queue<byte[]> _applicationData = new();
    private TlsSession? _session;
    private RecordCipher? _readHandshake;
    private RecordCipher? _writeHandshake;
    private RecordCipher? _readApplication;
    private RecordCipher? _writeApplication;

    public TlsRecordAdapter(Stream stream, bool isServer)
    {
        _stream = stream;
        _isServer = isServer;
    }

    public TlsSession Session => _session ?? throw new InvalidOperationException("No session attached.");

    /// <summary>Pass this as the options' KeyLog.</summary>
    public void OnKeyLog(string line)
    {
        string[] parts = line.Split(' ');
        _secrets[parts[0]] = Convert.FromHexString(parts[2]);
    }

    public void Attach(TlsSession session) => _session = session;

    public async Task RunHandshakeAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        while (!Session.IsHandshakeComplete)
        {
            await ReadRecordAsync(cancellationToken);
            await FlushAsync(cancellationToken);
        }
    }

    public async Task<byte[]> ReadApplicationDataAsync(CancellationToken cancellationToken)
    {
        while (_applicationData.Count == 0)
        {
            await ReadRecordAsync(cancellationToken);
        }

        return _applicationData.Dequeue();
    }

    public Task WriteApplicationDataAsync(byte[] data, CancellationToken cancellationToken) =>
        WriteEncryptedAsync(WriteApplicationKey(), ApplicationData, data, cancellationToken);

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Session.TryPollCryptoData(EncryptionLevel.Initial, out byte[] initial))
        {
            for (int offset = 0; offset < initial.Length; offset += 16384)
            {
                byte[] chunk = initial.AsSpan(offset, Math.Min(16384, initial.Length - offset)).ToArray();
                await _stream.WriteAsync(new byte[] { Handshake, 3, 3, (byte)(chunk.Length >> 8), (byte)chunk.Length }, cancellationToken);
                await _stream.WriteAsync(chunk, cancellationToken);
            }
        }

        if (Session.TryPollCryptoData(EncryptionLevel.Handshake, out byte[] handshake))
        {
            _writeHandshake ??= Cipher(_isServer ? "SERVER_HANDSHAKE_TRAFFIC_SECRET" : "CLIENT_HANDSHAKE_TRAFFIC_SECRET");
            await WriteEncryptedAsync(_writeHandshake, Handshake, handshake, cancellationToken);
        }

        if (Session.TryPollCryptoData(EncryptionLevel.OneRtt, out byte[] oneRtt))
        {
            await WriteEncryptedAsync(WriteApplicationKey(), Handshake, oneRtt, cancellationToken);
        }

        while (Session.TryPollKeys(out LevelKeys keys))
        {
            keys.Dispose();
        }
    }

    private RecordCipher WriteApplicationKey() =>
        _writeApplication ??= Cipher(_isServer ? "SERVER_TRAFFIC_SECRET_0" : "CLIENT_TRAFFIC_SECRET_0");

    private async Task WriteEncryptedAsync(RecordCipher cipher, byte innerType, byte[] data, CancellationToken cancellationToken)
    {
        for (int offset = 0; offset < data.Length || (data.Length == 0 && offset == 0); offset += 16000)
        {
            int n = Math.Min(16000, data.Length - offset);
            int innerLength = n + 1;
            byte[] record = new byte[5 + innerLength + 16];
            record[0] = ApplicationData;
            record[1] = 3;
            record[2] = 3;
            record[3] = (byte)((innerLength + 16) >> 8);
            record[4] = (byte)(innerLength + 16);
            data.AsSpan(offset, n).CopyTo(record.AsSpan(5));
            record[5 + n] = innerType;
            cipher.Key.Encrypt(cipher.Sequence++, record, 5);
            await _stream.WriteAsync(record, cancellationToken);
            if (data.Length == 0)
            {
                break;
            }
        }
    }

    private async Task ReadRecordAsync(CancellationToken cancellationToken)
    {
        byte[] header = new byte[5];
        await _stream.ReadExactlyAsync(header, cancellationToken);
        int length = (header[3] << 8) | header[4];
        byte[] record = new byte[5 + length];
        header.CopyTo(record, 0);
        await _stream.ReadExactlyAsync(record.AsMemory(5, length), cancellationToken);

        switch (header[0])
        {
            case ChangeCipherSpec:
                return; // RFC 8446 §5: middlebox compatibility record, ignored
            case Handshake:
                Session.HandleCryptoData(EncryptionLevel.Initial, record.AsSpan(5));
                return;
            case Alert:
                throw new InvalidOperationException($"Peer sent plaintext alert {record[6]}.");
            case ApplicationData:
                break;
            default:
                throw new InvalidOperationException($"Unexpected record type {header[0]}.");
        }

        bool application = Session.IsHandshakeComplete;
        RecordCipher cipher = application
            ? _readApplication ??= Cipher(_isServer ? "CLIENT_TRAFFIC_SECRET_0" : "SERVER_TRAFFIC_SECRET_0")
            : _readHandshake ??= Cipher(_isServer ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET" : "SERVER_HANDSHAKE_TRAFFIC_SECRET");
        if (!cipher.Key.TryDecrypt(cipher.Sequence++, record, 5, out int plainLength))
        {
            throw new InvalidOperationException("Record failed authentication.");
        }

        int end = 5 + plainLength;
        while (end > 5 && record[end - 1] == 0)
        {
            end--;
        }

        byte innerType = record[end - 1];
        byte[] content = record.AsSpan(5, end - 1 - 5).ToArray();
        switch (innerType)
        {
            case Handshake:
                Session.HandleCryptoData(application ? EncryptionLevel.OneRtt : EncryptionLevel.Handshake, content);
                break;
            case ApplicationData:
                _applicationData.Enqueue(content);
                break;
            case Alert:
                throw new InvalidOperationException($"Peer sent alert {content[1]}.");
            default:
                throw new InvalidOperationException($"Unexpected inner content type {innerType}.");
        }
    }

    private RecordCipher Cipher(string label)
    {
        CipherSuite suite = Session.CipherSuite!.Value;
        byte[] secret = _secrets[label];
        byte[] key = HkdfLabel.Expand(suite.HashAlgorithm(), secret, "key", default, suite.KeyLength());
        byte[] iv = HkdfLabel.Expand(suite.HashAlgorithm(), secret, "iv", default, 12);
        return new RecordCipher(new PacketKey(suite, key, iv));
    }

    private sealed class RecordCipher(PacketKey key)
    {
        public PacketKey Key { get; } = key;

        public ulong Sequence { get; set; }
    }
}
