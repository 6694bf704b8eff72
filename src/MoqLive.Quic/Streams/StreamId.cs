namespace MoqLive.Quic.Streams;

/// <summary>Whether a stream carries data both ways or only from its initiator.</summary>
public enum StreamDirection
{
    Bidirectional = 0,
    Unidirectional = 1,
}

/// <summary>
/// A QUIC stream ID (RFC 9000 §2.1): bit 0 is the initiator (0 client, 1 server), bit 1 the direction
/// (0 bidirectional, 1 unidirectional), the remaining bits the index within that type.
/// </summary>
public readonly record struct StreamId(ulong Value)
{
    public static StreamId Create(bool serverInitiated, StreamDirection direction, ulong index) =>
        new((index << 2) | ((ulong)direction << 1) | (serverInitiated ? 1UL : 0UL));

    public bool IsServerInitiated => (Value & 1) != 0;

    public StreamDirection Direction => (Value & 2) != 0 ? StreamDirection.Unidirectional : StreamDirection.Bidirectional;

    public ulong Index => Value >> 2;

    /// <summary>True when the stream was opened by the endpoint whose role is <paramref name="isServer"/>.</summary>
    public bool IsInitiatedBy(bool isServer) => IsServerInitiated == isServer;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
