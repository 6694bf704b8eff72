using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Tests.Tls;

public sealed class TlsOptionsTests
{
    [Fact]
    public void CreateClient_NoAlpn_Throws()
    {
        var options = new TlsClientOptions { ServerName = "localhost", CertificateValidation = TlsCertificateValidation.None };
        Assert.Throws<ArgumentException>(() => TlsSession.CreateClient(options, []));
    }

    [Fact]
    public void CreateClient_PinnedWithoutHashes_Throws()
    {
        var options = new TlsClientOptions { ApplicationProtocols = ["h3"], CertificateValidation = TlsCertificateValidation.PinnedSha256 };
        Assert.Throws<ArgumentException>(() => TlsSession.CreateClient(options, []));
    }

    [Fact]
    public void CreateClient_PinnedHashWrongLength_Throws()
    {
        var options = new TlsClientOptions { ApplicationProtocols = ["h3"], CertificateValidation = TlsCertificateValidation.PinnedSha256, PinnedCertificateSha256 = [new byte[20]] };
        Assert.Throws<ArgumentException>(() => TlsSession.CreateClient(options, []));
    }

    [Fact]
    public void CreateClient_ChainWithoutServerName_Throws()
    {
        var options = new TlsClientOptions { ApplicationProtocols = ["h3"] };
        Assert.Throws<ArgumentException>(() => TlsSession.CreateClient(options, []));
    }

    [Fact]
    public void CreateClient_AlpnTooLong_Throws()
    {
        var options = new TlsClientOptions { ServerName = "x", ApplicationProtocols = [new string('a', 256)], CertificateValidation = TlsCertificateValidation.None };
        Assert.Throws<ArgumentException>(() => TlsSession.CreateClient(options, []));
    }

    [Fact]
    public void CreateServer_NoCertificate_Throws()
    {
        Assert.Throws<ArgumentException>(() => TlsSession.CreateServer(new TlsServerOptions { ApplicationProtocols = ["h3"] }, []));
    }

    [Fact]
    public void CreateServer_NoAlpn_Throws()
    {
        var options = TestCertificates.ServerOptions();
        options.ApplicationProtocols = [];
        Assert.Throws<ArgumentException>(() => TlsSession.CreateServer(options, []));
    }

    [Fact]
    public void TlsAlertException_TransportErrorCode_Is0x100PlusAlert()
    {
        Assert.Equal(0x178UL, new TlsAlertException(TlsAlert.NoApplicationProtocol, "x").TransportErrorCode);
        Assert.Equal(0x132UL, new TlsAlertException(TlsAlert.DecodeError, "x").TransportErrorCode);
        Assert.Equal(0x150UL, new TlsAlertException().TransportErrorCode);
    }
}
