using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MoqLive.Quic.Tls.Internal;

/// <summary>The Certificate handshake message (RFC 8446 §4.4.2), X.509 entries only.</summary>
internal static class CertificateMessage
{
    public static void Write(TlsWriter body, IReadOnlyList<X509Certificate2> chain)
    {
        body.WriteUInt8(0); // certificate_request_context: empty for server authentication
        int list = body.BeginVector(3);
        foreach (X509Certificate2 certificate in chain)
        {
            int entry = body.BeginVector(3);
            body.WriteBytes(certificate.RawData);
            body.EndVector(entry);
            body.WriteUInt16(0); // no per-certificate extensions
        }

        body.EndVector(list);
    }

    /// <summary>Parses a server's Certificate: the chain, leaf first. decode_error for an empty list.</summary>
    public static List<X509Certificate2> Parse(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        if (!reader.ReadVector8().IsEmpty)
        {
            throw new TlsAlertException(TlsAlert.IllegalParameter, "Server Certificate has a request context.");
        }

        var list = new TlsReader(reader.ReadVector24());
        reader.EnsureEnd();
        var chain = new List<X509Certificate2>();
        try
        {
            while (!list.IsEmpty)
            {
                ReadOnlySpan<byte> der = list.ReadVector24(1);
                list.ReadVector16(); // CertificateEntry extensions (OCSP, SCT): ignored
                try
                {
                    chain.Add(X509CertificateLoader.LoadCertificate(der));
                }
                catch (CryptographicException e)
                {
                    throw new TlsAlertException(TlsAlert.BadCertificate, "Server certificate could not be parsed.", e);
                }
            }

            // RFC 8446 §4.4.2.4: an empty server certificate list is a decode_error.
            if (chain.Count == 0)
            {
                throw new TlsAlertException(TlsAlert.DecodeError, "Server sent an empty certificate list.");
            }

            return chain;
        }
        catch
        {
            foreach (X509Certificate2 c in chain)
            {
                c.Dispose();
            }

            throw;
        }
    }
}
