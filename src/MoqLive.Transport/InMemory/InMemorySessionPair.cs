namespace MoqLive.Transport.InMemory;

/// <summary>Creates two connected in-memory sessions for tests and single-process setups.</summary>
/// <remarks>
/// The pair behaves like one QUIC connection as far as <see cref="ITransportSession"/> can tell: QUIC stream
/// numbering, per-side stream limits, per-stream flow control (a writer waits while the reader's window is
/// full), FIN, RESET_STREAM and STOP_SENDING with codes, bounded lossy datagrams, and a session close the
/// peer observes. Delivery is immediate; priorities are stored but do not change the order of delivery,
/// since every stream has its own buffer and nothing competes for bandwidth.
/// </remarks>
public static class InMemorySessionPair
{
    /// <summary>Creates a connected (client, server) pair.</summary>
    public static (InMemorySession Client, InMemorySession Server) Create(InMemorySessionOptions? options = null)
    {
        options ??= InMemorySessionOptions.Default;
        options.Validate();
        var connection = new InMemoryConnection(options);
        return (connection.Client, connection.Server);
    }
}
