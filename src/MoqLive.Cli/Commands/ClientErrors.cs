using MoqLive.Http3;
using MoqLive.Moqt.Session;
using MoqLive.Quic;
using MoqLive.Transport;

namespace MoqLive.Cli.Commands;

/// <summary>Turns connection failures of the MOQT client commands into messages that say what to do.</summary>
internal static class ClientErrors
{
    public static bool IsConnectFailure(Exception e) =>
        e is QuicException or Http3Exception or MoqtSessionException or TransportSessionClosedException or IOException
            or System.Net.Sockets.SocketException or InvalidOperationException;

    public static string DescribeConnectFailure(Uri url, Exception e)
    {
        string where = $"{url.Host}:{(url.Port > 0 ? url.Port : 443)}";
        return e switch
        {
            QuicException { QuicError: QuicError.ConnectionTimeout or QuicError.ConnectionRefused or QuicError.ConnectionIdle } =>
                $"error: cannot reach a MoqLive server at {where} over QUIC ({e.Message}). Is 'moqlive serve' running there, and is UDP open?",
            QuicException q when q.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase) =>
                $"error: the server certificate of {where} was rejected ({e.Message}). For a development certificate pass --cert-hash HEX (printed by 'moqlive serve', also at https://{where}/certificate.sha256) or --insecure.",
            QuicException =>
                $"error: QUIC connection to {where} failed: {e.Message}",
            Http3Exception =>
                $"error: WebTransport session to {url} failed: {e.Message}",
            MoqtSessionException m =>
                $"error: MOQT session setup with {url} failed: {m.Message}",
            _ => $"error: connecting to {url} failed: {e.Message}",
        };
    }
}
