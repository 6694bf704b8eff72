namespace MoqLive.Transport.InMemory;

/// <summary>
/// Options for <see cref="InMemorySessionPair.Create"/>. Both sessions of a pair use the same values, as if
/// each endpoint advertised them to the other in its QUIC transport parameters.
/// </summary>
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

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBidirectionalStreams);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxUnidirectionalStreams);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(StreamReceiveWindow);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxDatagramSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(DatagramQueueCapacity);
    }
}
