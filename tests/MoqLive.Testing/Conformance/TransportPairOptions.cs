namespace MoqLive.Testing.Conformance;

/// <summary>What the conformance suite asks of a connected pair; each implementation maps it to its own options.</summary>
public sealed record TransportPairOptions
{
    /// <summary>Protocol both sessions must report (ALPN on raw QUIC, wt-protocol on WebTransport).</summary>
    public string Protocol { get; init; } = "moqt-19";

    /// <summary>Bidirectional streams each side may open concurrently (QUIC initial_max_streams_bidi on both ends).</summary>
    public int MaxBidirectionalStreams { get; init; } = 100;

    /// <summary>Unidirectional streams each side may open concurrently (QUIC initial_max_streams_uni on both ends).</summary>
    public int MaxUnidirectionalStreams { get; init; } = 100;
}
