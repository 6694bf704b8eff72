using System.Buffers;

namespace MoqLive.Quic.Internal;

/// <summary>
/// The pool for stream data the QUIC core holds between the network and the application: send-buffer segments
/// (<see cref="Streams.SendBuffer"/>, up to 64 KiB each) and received chunks (<see cref="Streams.StreamAssembler"/>,
/// one per STREAM frame).
/// </summary>
/// <remarks>
/// <see cref="ArrayPool{T}.Shared"/> keeps only a few dozen arrays per size and core, while a bulk stream holds hundreds
/// (an 8 MiB send buffer is 128 segments of 64 KiB): most rents missed and allocated, about a byte of garbage per byte
/// moved. This pool keeps up to 512 arrays per size class, created on demand, so it retains at most what was once in
/// use at the same time (32 MiB of 64 KiB segments, 1 MiB of 2 KiB chunks). Arrays go back only from their owner, once.
/// </remarks>
internal static class QuicBufferPool
{
    public static ArrayPool<byte> Shared { get; } = ArrayPool<byte>.Create(maxArrayLength: 64 * 1024, maxArraysPerBucket: 512);
}
