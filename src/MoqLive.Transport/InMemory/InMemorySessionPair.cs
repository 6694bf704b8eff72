namespace MoqLive.Transport.InMemory;

/// <summary>Creates two connected in-memory sessions for tests and single-process setups.</summary>
/// <remarks>
/// The pair behaves like one QUIC connection as far as <see cref="ITransportSession"/> can tell: QUIC stream
/// numbering, per-side stream limits, per-stream flow control (a writer waits while the reader's window is
/// full), FIN, RESET_STREAM and STOP_SENDING with codes, bounded lossy datagrams, and a session close the
/// peer observes. Delivery is immediate and deterministic by default, or in order after
/// <see cref="InMemorySessionOptions.OneWayDelay"/> on <see cref="InMemorySessionOptions.TimeProvider"/>
/// (a FakeTimeProvider makes delayed runs deterministic too). Priorities are stored but do not change the order
/// of delivery, since every stream has its own window and nothing competes for bandwidth.
/// <para>
/// Choices where QUIC leaves room: the peer sees a new stream as soon as it is opened (before any data);
/// bytes that reached the peer's buffer count as acknowledged, so WritesClosed completes when FIN arrives
/// and Reset after FIN is a no-op; a reset discards data the reader has not read yet.
/// </para>
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
