namespace MoqLive.Transport.InMemory;

/// <summary>
/// Options for <see cref="InMemorySessionPair.Create"/>. Both sessions of a pair use the same values, as if
/// each endpoint advertised them to the other in its QUIC transport parameters.
/// </summary>
/// <remarks>Options are immutable; derive variants with <c>with</c>.</remarks>
public sealed record InMemorySessionOptions
{
    /// <summary>The options used when none are given.</summary>
    public static InMemorySessionOptions Default { get; } = new();

    /// <summary>The negotiated protocol both sessions report in <see cref="ITransportSession.Protocol"/>. Default: null.</summary>
    public string? Protocol { get; init; }

    /// <summary>
    /// How many bidirectional streams each side may have open at once (RFC 9000 §4.6, initial_max_streams_bidi,
    /// with credit returned as streams finish). Opening waits while the limit is reached. Default: 100.
    /// </summary>
    public int MaxBidirectionalStreams { get; init; } = 100;

    /// <summary>How many unidirectional streams each side may have open at once (initial_max_streams_uni). Default: 100.</summary>
    public int MaxUnidirectionalStreams { get; init; } = 100;

    /// <summary>
    /// Bytes buffered per stream direction before the writer waits for the reader (the stream flow-control
    /// window, RFC 9000 §4.1). Default: 64 KiB.
    /// </summary>
    public int StreamReceiveWindow { get; init; } = 64 * 1024;

    /// <summary>Largest datagram payload accepted, in bytes; 0 disables datagrams. Default: 1200.</summary>
    public int MaxDatagramSize { get; init; } = 1200;

    /// <summary>Datagrams queued at the receiver before further ones are dropped. Default: 64.</summary>
    public int DatagramQueueCapacity { get; init; } = 64;

    /// <summary>
    /// Simulated one-way delay: everything one side sends (stream opens, data, FIN, resets, STOP_SENDING,
    /// flow-control and stream credit, datagrams, the close) reaches the other side this much later, in order.
    /// Default: zero, which delivers inline and makes the pair fully deterministic.
    /// </summary>
    public TimeSpan OneWayDelay { get; init; }

    /// <summary>Clock for <see cref="OneWayDelay"/> (e.g. a FakeTimeProvider in tests). Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(OneWayDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBidirectionalStreams);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxUnidirectionalStreams);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(StreamReceiveWindow);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxDatagramSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(DatagramQueueCapacity);
    }
}
