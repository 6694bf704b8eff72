using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MoqLive.Quic.Tls.Internal;

/// <summary>Client-side checks of the server's certificate according to <see cref="TlsClientOptions.CertificateValidation"/>.</summary>
internal static class ServerCertificateValidator
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    public static void Validate(TlsClientOptions options, IReadOnlyList<X509Certificate2> chain)
    {
        X509Certificate2 leaf = chain[0];
        switch (options.CertificateValidation)
        {
            case TlsCertificateValidation.None:
                return;
            case TlsCertificateValidation.PinnedSha256:
            {
                byte[] hash = SHA256.HashData(leaf.RawData);
                if (!options.PinnedCertificateSha256.Any(pin => CryptographicOperations.FixedTimeEquals(pin, hash)))
                {
                    throw new TlsAlertException(TlsAlert.BadCertificate, "Server certificate does not match a pinned SHA-256 hash.");
                }

                return;
            }

            default:
                ValidateChain(options, chain);
                return;
        }
    }

    private static void ValidateChain(TlsClientOptions options, IReadOnlyList<X509Certificate2> chain)
    {
        X509Certificate2 leaf = chain[0];
        using var x509Chain = new X509Chain();
        X509ChainPolicy policy = x509Chain.ChainPolicy;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.VerificationTime = options.TimeProvider.GetUtcNow().UtcDateTime;
        policy.ApplicationPolicy.Add(new Oid(ServerAuthOid));
        for (int i = 1; i < chain.Count; i++)
        {
            policy.ExtraStore.Add(chain[i]);
        }

        if (options.TrustedRoots.Count > 0)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(options.TrustedRoots);
        }

        bool built;
        try
        {
            built = x509Chain.Build(leaf);
        }
        catch (CryptographicException e)
        {
            throw new TlsAlertException(TlsAlert.BadCertificate, "Server certificate chain could not be built.", e);
        }

        if (!built)
        {
            X509ChainStatusFlags flags = x509Chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (a, s) => a | s.Status);
            TlsAlert alert =
                (flags & X509ChainStatusFlags.NotTimeValid) != 0 ? TlsAlert.CertificateExpired
                : (flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0 ? TlsAlert.UnknownCa
                : (flags & X509ChainStatusFlags.Revoked) != 0 ? TlsAlert.CertificateRevoked
                : TlsAlert.BadCertificate;
            throw new TlsAlertException(alert, "Server certificate chain is not valid: " + flags + ".");
        }

        string? name = options.ServerName;
        if (string.IsNullOrEmpty(name) || !leaf.MatchesHostname(name, allowWildcards: true, allowCommonName: false))
        {
            throw new TlsAlertException(TlsAlert.BadCertificate, $"Server certificate is not valid for '{name}'.");
        }
    }
}
