using System.Net;

namespace MoqLive.Quic.Internal;

/// <summary>
/// What one receive of an <see cref="IDatagramSocket"/> put in the caller's buffer: <see cref="Length"/> bytes from
/// <see cref="Remote"/>, one datagram, or with <see cref="SegmentSize"/> set (UDP GRO) consecutive datagrams of that
/// size, the last possibly shorter.
/// </summary>
internal readonly record struct DatagramReceiveResult(int Length, EndPoint Remote, int SegmentSize = 0);

/// <summary>
/// The datagram socket an endpoint drives (after quinn's <c>AsyncUdpSocket</c>): UDP in production
/// (<see cref="UdpDatagramSocket"/>), an in-process network in deterministic tests.
/// </summary>
/// <remarks>
/// One receiver at a time. <see cref="Send(ReadOnlySpan{byte}, EndPoint)"/> may be called concurrently from any thread and never blocks for long;
/// a datagram it cannot send is dropped (QUIC recovers). Disposing makes a pending receive throw
/// <see cref="ObjectDisposedException"/> or <see cref="OperationCanceledException"/>.
/// </remarks>
internal interface IDatagramSocket : IDisposable
{
    /// <summary>The local address the socket is bound to.</summary>
    EndPoint LocalEndPoint { get; }

    /// <summary>
    /// Waits for the next datagram and copies it into <paramref name="buffer"/> (truncating longer ones); a socket with
    /// receive offload may return several datagrams from one sender at once (<see cref="DatagramReceiveResult.SegmentSize"/>).
    /// </summary>
    ValueTask<DatagramReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Sends one datagram to <paramref name="remote"/>; false when it was dropped locally.</summary>
    bool Send(ReadOnlySpan<byte> datagram, EndPoint remote);

    /// <summary>How many datagrams one <see cref="Send(ReadOnlySpan{byte}, int, EndPoint)"/> may carry; 1 when the socket has no segmentation offload.</summary>
    int MaxSegments { get; }

    /// <summary>
    /// Sends <paramref name="datagrams"/> as consecutive datagrams of <paramref name="segmentSize"/> bytes (the last
    /// may be shorter) to <paramref name="remote"/>, at most <see cref="MaxSegments"/> of them, in one system call
    /// where the kernel segments them (UDP GSO); false when they were dropped locally.
    /// </summary>
    bool Send(ReadOnlySpan<byte> datagrams, int segmentSize, EndPoint remote);
}

/// <summary>
/// A datagram socket a dedicated thread can drive directly, outside the async socket engine: the thread sleeps in
/// <see cref="WaitReadable"/> and reads with <see cref="TryReceive"/>, so the kernel wakes it once per burst of
/// datagrams, instead of waking the engine's event thread, which then queues a thread-pool work item for the receive.
/// </summary>
internal interface IThreadedDatagramSocket : IDatagramSocket
{
    /// <summary>
    /// Reads what is queued into <paramref name="buffer"/> without waiting (as <see cref="IDatagramSocket.ReceiveAsync"/>
    /// would); false when nothing is. Throws <see cref="ObjectDisposedException"/> once disposed.
    /// </summary>
    bool TryReceive(byte[] buffer, out DatagramReceiveResult result);

    /// <summary>
    /// Blocks the calling thread until a datagram is queued, the socket is disposed, or <paramref name="timeout"/> has
    /// passed (a bound on how late a wait notices the disposal).
    /// </summary>
    void WaitReadable(TimeSpan timeout);
}
