using MoqLive.Quic.Crypto;
using MoqLive.Quic.Tls;

namespace MoqLive.Quic.Tests.Tls;

/// <summary>
/// A client and a server session wired back to back: CRYPTO bytes move between them per encryption level,
/// optionally in small chunks, and every installed key set is recorded.
/// </summary>
internal sealed class TlsTestPair : IDisposable
{
    public TlsTestPair(TlsClientOptions client, TlsServerOptions server, byte[]? clientParameters = null, byte[]? serverParameters = null)
    {
        Client = TlsSession.CreateClient(client, clientParameters ?? [0x01, 0x02, 0x03]);
        Server = TlsSession.CreateServer(server, serverParameters ?? [0x0f, 0x0e]);
    }

    public TlsSession Client { get; }

    public TlsSession Server { get; }

    public Dictionary<EncryptionLevel, LevelKeys> ClientKeys { get; } = [];

    public Dictionary<EncryptionLevel, LevelKeys> ServerKeys { get; } = [];

    /// <summary>Largest piece of CRYPTO data handed over at once.</summary>
    public int ChunkSize { get; set; } = int.MaxValue;

    /// <summary>Optional hook to rewrite bytes in flight (from client: true).</summary>
    public Func<bool, EncryptionLevel, byte[], byte[]>? Tamper { get; set; }

    /// <summary>Moves data both ways until neither side has anything left to send.</summary>
    public void Run(int maxSteps = 20)
    {
        for (int step = 0; step < maxSteps; step++)
        {
            bool progress = Transfer(Client, Server, ClientKeys, fromClient: true) | Transfer(Server, Client, ServerKeys, fromClient: false);
            if (!progress)
            {
                DrainKeys(Client, ClientKeys);
                DrainKeys(Server, ServerKeys);
                return;
            }
        }

        throw new InvalidOperationException("Handshake did not settle.");
    }

    public void Dispose()
    {
        foreach (LevelKeys k in ClientKeys.Values.Concat(ServerKeys.Values))
        {
            k.Dispose();
        }

        Client.Dispose();
        Server.Dispose();
    }

    private static void DrainKeys(TlsSession session, Dictionary<EncryptionLevel, LevelKeys> keys)
    {
        while (session.TryPollKeys(out LevelKeys k))
        {
            keys[k.Level] = k;
        }
    }

    private bool Transfer(TlsSession from, TlsSession to, Dictionary<EncryptionLevel, LevelKeys> fromKeys, bool fromClient)
    {
        DrainKeys(from, fromKeys);
        bool progress = false;
        foreach (EncryptionLevel level in Enum.GetValues<EncryptionLevel>())
        {
            while (from.TryPollCryptoData(level, out byte[] data))
            {
                progress = true;
                if (Tamper is not null)
                {
                    data = Tamper(fromClient, level, data);
                }

                for (int offset = 0; offset < data.Length; offset += ChunkSize)
                {
                    to.HandleCryptoData(level, data.AsSpan(offset, Math.Min(ChunkSize, data.Length - offset)));
                }
            }
        }

        return progress;
    }
}
