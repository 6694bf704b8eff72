using System.Security.Cryptography;

namespace MoqLive.Quic.Crypto;

/// <summary>
/// Header protection for one direction (RFC 9001 §5.4). It survives key updates unchanged. The cipher instance
/// is created once; protecting or unprotecting a header does not allocate. Not thread-safe.
/// </summary>
internal sealed class HeaderKey : IDisposable
{
    /// <summary>Bytes of ciphertext sampled to build the mask (RFC 9001 §5.4.2).</summary>
    public const int HeaderSampleLength = 16;

    private readonly Aes? _aes;
    private readonly ICryptoTransform? _ecb;
    private readonly byte[]? _block;
    private readonly byte[]? _chaChaKey;

    public HeaderKey(CipherSuite suite, ReadOnlySpan<byte> key)
    {
        if (key.Length != suite.KeyLength())
        {
            throw new ArgumentException("Header protection key length does not match the cipher suite.", nameof(key));
        }

        Suite = suite;
        if (suite == CipherSuite.ChaCha20Poly1305Sha256)
        {
            _chaChaKey = key.ToArray();
        }
        else
        {
            // A reusable ECB transform over fixed buffers: the one-shot Aes.EncryptEcb allocates per call.
            _aes = Aes.Create();
            _aes.Mode = CipherMode.ECB;
            _aes.Padding = PaddingMode.None;
            _ecb = _aes.CreateEncryptor(key.ToArray(), null);
            _block = new byte[32];
        }
    }

    public CipherSuite Suite { get; }

    /// <summary>Length of the ciphertext sample, 16 for every supported suite.</summary>
    public int SampleLength => HeaderSampleLength;

    /// <summary>Computes the 5-byte mask (RFC 9001 §5.4.3 AES, §5.4.4 ChaCha20) from a 16-byte sample.</summary>
    public void ComputeMask(ReadOnlySpan<byte> sample, Span<byte> mask)
    {
        if (sample.Length < HeaderSampleLength || mask.Length < 5)
        {
            throw new ArgumentException("Sample must be 16 bytes and mask at least 5.");
        }

        if (_ecb is not null)
        {
            byte[] block = _block!;
            sample[..16].CopyTo(block);
            _ecb.TransformBlock(block, 0, 16, block, 16);
            block.AsSpan(16, 5).CopyTo(mask);
        }
        else
        {
            // counter = sample[0..4] little-endian, nonce = sample[4..16]; mask = ChaCha20(zeros(5)).
            uint counter = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(sample);
            Span<byte> zeros = stackalloc byte[5];
            zeros.Clear();
            ChaCha20Native.XorIc(mask[..5], zeros, sample.Slice(4, 12), counter, _chaChaKey!);
        }
    }

    /// <summary>
    /// Applies header protection to a sealed packet. <paramref name="packetNumberOffset"/> is where the packet
    /// number starts; its length is read from the still unprotected first byte. The sample starts 4 bytes after
    /// the packet number offset (RFC 9001 §5.4.2), so the packet must be long enough to provide it.
    /// </summary>
    public void Protect(Span<byte> packet, int packetNumberOffset)
    {
        int sampleOffset = packetNumberOffset + 4;
        if (packetNumberOffset < 1 || packet.Length < sampleOffset + HeaderSampleLength)
        {
            throw new ArgumentException("Packet too short to sample for header protection.", nameof(packet));
        }

        int pnLength = (packet[0] & 0x03) + 1;
        Span<byte> mask = stackalloc byte[5];
        ComputeMask(packet.Slice(sampleOffset, HeaderSampleLength), mask);
        packet[0] ^= (byte)(mask[0] & FirstByteMask(packet[0]));
        for (int i = 0; i < pnLength; i++)
        {
            packet[packetNumberOffset + i] ^= mask[1 + i];
        }
    }

    /// <summary>
    /// Removes header protection in place and returns the packet number length (1..4) in
    /// <paramref name="packetNumberLength"/>; false (packet untouched) when the packet is too short to sample.
    /// </summary>
    public bool TryUnprotect(Span<byte> packet, int packetNumberOffset, out int packetNumberLength)
    {
        packetNumberLength = 0;
        int sampleOffset = packetNumberOffset + 4;
        if (packetNumberOffset < 1 || packet.Length < sampleOffset + HeaderSampleLength)
        {
            return false;
        }

        Span<byte> mask = stackalloc byte[5];
        ComputeMask(packet.Slice(sampleOffset, HeaderSampleLength), mask);
        packet[0] ^= (byte)(mask[0] & FirstByteMask(packet[0]));
        packetNumberLength = (packet[0] & 0x03) + 1;
        for (int i = 0; i < packetNumberLength; i++)
        {
            packet[packetNumberOffset + i] ^= mask[1 + i];
        }

        return true;
    }

    public void Dispose()
    {
        _ecb?.Dispose();
        _aes?.Dispose();
    }

    // The header form bit is never protected: 4 low bits for long headers, 5 for short (RFC 9001 §5.4.1).
    private static byte FirstByteMask(byte firstByte) => (firstByte & 0x80) != 0 ? (byte)0x0f : (byte)0x1f;
}
