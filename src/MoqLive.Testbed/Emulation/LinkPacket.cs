namespace MoqLive.Testbed.Emulation;

/// <summary>
/// A packet passing through a <see cref="LinkEmulator"/>: the first <see cref="Length"/> bytes of
/// <see cref="Buffer"/>. The emulator never reads, copies or returns the buffer to a pool; it only holds the
/// reference. Ownership passes to the emulator on a successful <see cref="LinkEmulator.Enqueue"/> and back to the
/// driver when the packet is dequeued. When <see cref="LinkEmulator.Enqueue"/> reports a drop, the driver still
/// owns the buffer (and may return it to its pool).
/// </summary>
public readonly record struct LinkPacket(byte[] Buffer, int Length)
{
    /// <summary>Wraps a whole array.</summary>
    public LinkPacket(byte[] buffer)
        : this(buffer, buffer.Length)
    {
    }
}
