using System.Security.Cryptography;
using MoqLive.Quic.Crypto;

namespace MoqLive.Quic.Tls.Internal;

/// <summary>
/// An ephemeral (EC)DHE key pair for one named group (RFC 8446 §4.2.8): X25519 from libsodium (shipped with NSec), secp256r1 from
/// <see cref="ECDiffieHellman"/>.
/// </summary>
internal abstract class KeyShare : IDisposable
{
    public abstract ushort Group { get; }

    /// <summary>The key_exchange bytes to send.</summary>
    public abstract byte[] PublicKey { get; }

    public static KeyShare Create(ushort group) => group switch
    {
        NamedGroup.X25519 => new X25519Share(),
        NamedGroup.Secp256r1 => new P256Share(),
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, "Unsupported named group."),
    };

    /// <summary>The shared secret with the peer's key_exchange; illegal_parameter when it is invalid.</summary>
    public abstract byte[] Agree(ReadOnlySpan<byte> peerPublicKey);

    public abstract void Dispose();

    private static TlsAlertException BadShare(Exception? inner = null) =>
        inner is null
            ? new TlsAlertException(TlsAlert.IllegalParameter, "Invalid key_share public key.")
            : new TlsAlertException(TlsAlert.IllegalParameter, "Invalid key_share public key.", inner);

    /// <summary>
    /// X25519 (RFC 7748) through libsodium, the library NSec wraps (<see cref="LibSodium"/>). The private key lives in
    /// a pinned array (no copies left behind by the GC), zeroed on dispose, rather than in NSec's guarded memory:
    /// an ephemeral key lives for one round trip, and its mmap/mprotect/munmap cost more than the curve arithmetic.
    /// </summary>
    private sealed class X25519Share : KeyShare
    {
        private readonly byte[] _privateKey = GC.AllocateArray<byte>(LibSodium.X25519Length, pinned: true);

        public X25519Share()
        {
            RandomNumberGenerator.Fill(_privateKey);
            PublicKey = new byte[LibSodium.X25519Length];
            LibSodium.X25519PublicKey(_privateKey, PublicKey);
        }

        public override ushort Group => NamedGroup.X25519;

        public override byte[] PublicKey { get; }

        public override byte[] Agree(ReadOnlySpan<byte> peerPublicKey)
        {
            // RFC 8446 §7.4.2: an all-zero X25519 result must be rejected; libsodium refuses it (and small-order keys).
            byte[] secret = new byte[LibSodium.X25519Length];
            if (peerPublicKey.Length != LibSodium.X25519Length || !LibSodium.TryX25519(_privateKey, peerPublicKey, secret))
            {
                CryptographicOperations.ZeroMemory(secret);
                throw BadShare();
            }

            return secret;
        }

        public override void Dispose() => CryptographicOperations.ZeroMemory(_privateKey);
    }

    private sealed class P256Share : KeyShare
    {
        private readonly ECDiffieHellman _ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        public override ushort Group => NamedGroup.Secp256r1;

        public override byte[] PublicKey
        {
            get
            {
                // RFC 8446 §4.2.8.2: UncompressedPointRepresentation, 0x04 || X || Y.
                ECParameters p = _ecdh.ExportParameters(false);
                byte[] result = new byte[65];
                result[0] = 4;
                p.Q.X!.CopyTo(result.AsSpan(1 + 32 - p.Q.X!.Length));
                p.Q.Y!.CopyTo(result.AsSpan(33 + 32 - p.Q.Y!.Length));
                return result;
            }
        }

        public override byte[] Agree(ReadOnlySpan<byte> peerPublicKey)
        {
            if (peerPublicKey.Length != 65 || peerPublicKey[0] != 4)
            {
                throw BadShare();
            }

            try
            {
                using ECDiffieHellman peer = ECDiffieHellman.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = peerPublicKey.Slice(1, 32).ToArray(), Y = peerPublicKey.Slice(33, 32).ToArray() },
                });
                return _ecdh.DeriveRawSecretAgreement(peer.PublicKey);
            }
            catch (CryptographicException e)
            {
                throw BadShare(e);
            }
        }

        public override void Dispose() => _ecdh.Dispose();
    }
}
