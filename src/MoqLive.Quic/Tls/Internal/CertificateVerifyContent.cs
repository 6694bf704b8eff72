using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MoqLive.Quic.Tls.Internal;

/// <summary>
/// Signing and verifying CertificateVerify (RFC 8446 §4.4.3): the signature covers 64 spaces, a context string,
/// a zero byte and the transcript hash up to and including Certificate.
/// </summary>
internal static class CertificateVerifyContent
{
    private const string ServerContext = "TLS 1.3, server CertificateVerify";

    public static byte[] Build(ReadOnlySpan<byte> transcriptHash)
    {
        byte[] content = new byte[64 + ServerContext.Length + 1 + transcriptHash.Length];
        content.AsSpan(0, 64).Fill(0x20);
        System.Text.Encoding.ASCII.GetBytes(ServerContext, content.AsSpan(64));
        content[64 + ServerContext.Length] = 0;
        transcriptHash.CopyTo(content.AsSpan(64 + ServerContext.Length + 1));
        return content;
    }

    /// <summary>The scheme this key signs with, chosen from what the peer offered; null when none fits.</summary>
    public static ushort? ChooseScheme(AsymmetricAlgorithm key, IReadOnlyCollection<ushort> peerSchemes)
    {
        switch (key)
        {
            case ECDsa ecdsa:
                ushort scheme = ecdsa.KeySize switch
                {
                    256 => SignatureScheme.EcdsaSecp256r1Sha256,
                    384 => SignatureScheme.EcdsaSecp384r1Sha384,
                    521 => SignatureScheme.EcdsaSecp521r1Sha512,
                    _ => 0,
                };
                return scheme != 0 && peerSchemes.Contains(scheme) ? scheme : null;
            case RSA:
                foreach (ushort s in peerSchemes)
                {
                    if (s is SignatureScheme.RsaPssRsaeSha256 or SignatureScheme.RsaPssRsaeSha384 or SignatureScheme.RsaPssRsaeSha512)
                    {
                        return s;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    public static byte[] Sign(AsymmetricAlgorithm key, ushort scheme, ReadOnlySpan<byte> transcriptHash)
    {
        byte[] content = Build(transcriptHash);
        HashAlgorithmName hash = HashFor(scheme);
        return key switch
        {
            // RFC 8446 §4.2.3: ECDSA signatures are DER-encoded ECDSA-Sig-Value.
            ECDsa ecdsa => ecdsa.SignData(content, hash, DSASignatureFormat.Rfc3279DerSequence),
            // RSASSA-PSS with salt length = hash length, which is what .NET's Pss padding uses.
            RSA rsa => rsa.SignData(content, hash, RSASignaturePadding.Pss),
            _ => throw new TlsAlertException(TlsAlert.InternalError, "Unsupported private key type."),
        };
    }

    /// <summary>Verifies the peer's CertificateVerify with the leaf's public key; decrypt_error when it fails.</summary>
    public static void Verify(X509Certificate2 leaf, ushort scheme, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> transcriptHash)
    {
        byte[] content = Build(transcriptHash);
        bool ok;
        try
        {
            switch (scheme)
            {
                case SignatureScheme.EcdsaSecp256r1Sha256 or SignatureScheme.EcdsaSecp384r1Sha384 or SignatureScheme.EcdsaSecp521r1Sha512:
                {
                    using ECDsa? ecdsa = leaf.GetECDsaPublicKey();
                    int expectedSize = scheme switch
                    {
                        SignatureScheme.EcdsaSecp256r1Sha256 => 256,
                        SignatureScheme.EcdsaSecp384r1Sha384 => 384,
                        _ => 521,
                    };
                    if (ecdsa is null || ecdsa.KeySize != expectedSize)
                    {
                        throw new TlsAlertException(TlsAlert.IllegalParameter, "CertificateVerify scheme does not match the certificate key.");
                    }

                    ok = ecdsa.VerifyData(content, signature, HashFor(scheme), DSASignatureFormat.Rfc3279DerSequence);
                    break;
                }

                case SignatureScheme.RsaPssRsaeSha256 or SignatureScheme.RsaPssRsaeSha384 or SignatureScheme.RsaPssRsaeSha512:
                {
                    using RSA? rsa = leaf.GetRSAPublicKey();
                    if (rsa is null)
                    {
                        throw new TlsAlertException(TlsAlert.IllegalParameter, "CertificateVerify scheme does not match the certificate key.");
                    }

                    ok = rsa.VerifyData(content, signature, HashFor(scheme), RSASignaturePadding.Pss);
                    break;
                }

                default:
                    throw new TlsAlertException(TlsAlert.IllegalParameter, "CertificateVerify uses a signature scheme that was not offered.");
            }
        }
        catch (CryptographicException e)
        {
            throw new TlsAlertException(TlsAlert.DecryptError, "CertificateVerify signature could not be checked.", e);
        }

        if (!ok)
        {
            throw new TlsAlertException(TlsAlert.DecryptError, "CertificateVerify signature is invalid.");
        }
    }

    private static HashAlgorithmName HashFor(ushort scheme) => scheme switch
    {
        SignatureScheme.EcdsaSecp384r1Sha384 or SignatureScheme.RsaPssRsaeSha384 => HashAlgorithmName.SHA384,
        SignatureScheme.EcdsaSecp521r1Sha512 or SignatureScheme.RsaPssRsaeSha512 => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };
}
