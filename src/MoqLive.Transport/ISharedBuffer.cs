namespace MoqLive.Transport;

/// <summary>
/// An immutable, reference-counted byte buffer that several holders share without copying (a relay's cached object
/// payload, written to every subscriber's stream). A transport that keeps the bytes after
/// <see cref="ITransportSendStream.WriteSharedAsync"/> returns takes its own reference and releases it once it no longer
/// needs them (QUIC: when they are acknowledged, when the stream is reset, or when the connection closes).
/// </summary>
public interface ISharedBuffer
{
    /// <summary>The bytes; valid while the caller holds a reference. They never change.</summary>
    ReadOnlyMemory<byte> Memory { get; }

    /// <summary>Adds a reference; false when the last holder already released the buffer.</summary>
    bool TryRetain();

    /// <summary>Drops a reference taken by the creator or by <see cref="TryRetain"/>.</summary>
    void Release();
}
