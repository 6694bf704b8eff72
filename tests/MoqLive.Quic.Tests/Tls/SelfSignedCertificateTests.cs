using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Tests.Tls;

public sealed class SelfSignedCertificateTests
{
    [Fact]
    public void Create_Default_EcdsaP256ValidAtMost14DaysForLocalNames()
    {
        using X509Certificate2 cert = SelfSignedCertificate.Create(TestCertificates.Now);

        using ECDsa? key = cert.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        Assert.True(cert.HasPrivateKey);
        Assert.True(cert.NotAfter - cert.NotBefore <= TimeSpan.FromDays(14));
        Assert.True(cert.NotBefore <= TestCertificates.Now.UtcDateTime && TestCertificates.Now.UtcDateTime < cert.NotAfter);
        Assert.True(cert.MatchesHostname("localhost"));
        Assert.True(cert.MatchesHostname("127.0.0.1"));
        Assert.True(cert.MatchesHostname("::1"));
        Assert.False(cert.MatchesHostname("example.com"));
    }

    [Fact]
    public void Create_ValidityOver14Days_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SelfSignedCertificate.Create(TestCertificates.Now, TimeSpan.FromDays(15)));
    }

    [Fact]
    public void PemFiles_RoundTrip_SameLeafHash()
    {
        using X509Certificate2 cert = SelfSignedCertificate.Create(TestCertificates.Now, TimeSpan.FromDays(7), ["media.test", "10.0.0.1"]);
        string dir = Directory.CreateTempSubdirectory("moqlive-cert-").FullName;
        try
        {
            string certPath = Path.Combine(dir, "c.pem");
            string keyPath = Path.Combine(dir, "k.pem");
            SelfSignedCertificate.WritePemFiles(cert, certPath, keyPath);
            using X509Certificate2 loaded = SelfSignedCertificate.LoadPemFiles(certPath, keyPath);

            Assert.Equal(SHA256.HashData(cert.RawData), SelfSignedCertificate.ComputeSha256(loaded));
            Assert.True(loaded.HasPrivateKey);
            Assert.True(loaded.MatchesHostname("media.test"));
            Assert.True(loaded.MatchesHostname("10.0.0.1"));
            using TlsServerCertificate server = TlsServerCertificate.FromPemFiles(certPath, keyPath);
            Assert.Equal(SelfSignedCertificate.ComputeSha256(cert), server.LeafSha256);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
