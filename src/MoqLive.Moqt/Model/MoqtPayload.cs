using System.Buffers;
using MoqLive.Transport;

namespace MoqLive.Moqt.Model;

/// <summary>
/// An object payload: an immutable byte buffer shared by every consumer of the object, reference-counted so a pooled
/// buffer goes back to its <see cref="ArrayPool{T}"/> when the last holder releases it. Relays never copy a payload
/// per subscriber.
/// </summary>
/// <remarks>
/// <para>Ownership rules:</para>
/// <list type="bullet">
/// <item><see cref="Create(ReadOnlySpan{byte}, ArrayPool{byte}?)"/> and <see cref="Rent"/> return a payload with one
/// reference, owned by the caller.</item>
/// <item>Writing an object into a producer (e.g. <see cref="SubgroupProducer.Write(MoqtObject)"/>) transfers one
/// reference to the producer's group: do not release it afterwards. Call <see cref="Retain"/> first if you keep
/// using the payload.</item>
/// <item>Every object handed out by a consumer read (subgroup, fetch) carries one reference owned by the reader. Release
/// it with <see cref="Release"/> (or <see cref="MoqtObject.Release"/>) once its bytes are written out, or pass it on
/// to another producer (which takes it over).</item>
/// <item>A group holds one reference to each of its objects until it leaves the track's cache window.</item>
/// <item>A transport send stream that references a payload instead of copying it (<see cref="ITransportSendStream.WriteSharedAsync"/>,
/// QUIC) holds its own reference until the bytes are acknowledged, the stream is reset or the connection closes.</item>
/// </list>
/// <para>Forgetting a release never corrupts data: the buffer is simply collected by the GC instead of being pooled.
/// Releasing more often than retaining throws.</para>
/// </remarks>
public sealed class MoqtPayload : ISharedBuffer
{
    private readonly ArrayPool<byte>? _pool;
    private byte[]? _array;
    private readonly int _length;
    private int _refCount;

    /// <summary>The empty payload. Not counted: retain and release are no-ops.</summary>
    public static MoqtPayload Empty { get; } = new([], 0, null, int.MinValue);

    private MoqtPayload(byte[] array, int length, ArrayPool<byte>? pool, int refCount)
    {
        _array = array;
        _length = length;
        _pool = pool;
        _refCount = refCount;
    }

    /// <summary>Copies <paramref name="bytes"/> into a buffer rented from <paramref name="pool"/> (default: shared pool).</summary>
    public static MoqtPayload Create(ReadOnlySpan<byte> bytes, ArrayPool<byte>? pool = null)
    {
        if (bytes.IsEmpty)
            return Empty;
        pool ??= ArrayPool<byte>.Shared;
        var array = pool.Rent(bytes.Length);
        bytes.CopyTo(array);
        return new MoqtPayload(array, bytes.Length, pool, 1);
    }

    /// <summary>
    /// Rents a buffer of <paramref name="length"/> bytes for the caller to fill through <see cref="GetWritableSpan"/>
    /// before it publishes the payload (e.g. a session reading a stream). One reference, owned by the caller.
    /// </summary>
    public static MoqtPayload Rent(int length, ArrayPool<byte>? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
            return Empty;
        pool ??= ArrayPool<byte>.Shared;
        return new MoqtPayload(pool.Rent(length), length, pool, 1);
    }

    /// <summary>Wraps an array that is not pooled (tests, constants). The array must not change afterwards.</summary>
    public static MoqtPayload Wrap(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        return array.Length == 0 ? Empty : new MoqtPayload(array, array.Length, null, 1);
    }

    /// <summary>Payload length in bytes.</summary>
    public int Length => _length;

    /// <summary>The current number of references (for diagnostics and tests). 0 once returned to the pool.</summary>
    public int RefCount => _refCount < 0 ? 1 : Volatile.Read(ref _refCount);

    /// <summary>The bytes. Valid while the caller holds a reference.</summary>
    /// <exception cref="ObjectDisposedException">The payload was already returned to its pool.</exception>
    public ReadOnlyMemory<byte> Memory
    {
        get
        {
            var array = Volatile.Read(ref _array) ?? throw new ObjectDisposedException(nameof(MoqtPayload));
            return new ReadOnlyMemory<byte>(array, 0, _length);
        }
    }

    /// <summary>The bytes as a span. Valid while the caller holds a reference.</summary>
    public ReadOnlySpan<byte> Span => Memory.Span;

    /// <summary>Writable view for the creator of a <see cref="Rent"/>ed payload, before anyone else sees it.</summary>
    public Span<byte> GetWritableSpan()
    {
        var array = Volatile.Read(ref _array) ?? throw new ObjectDisposedException(nameof(MoqtPayload));
        return array.AsSpan(0, _length);
    }

    /// <summary>Writable memory for the creator of a <see cref="Rent"/>ed payload (an async read fills it), before anyone else sees it.</summary>
    internal Memory<byte> GetWritableMemory()
    {
        var array = Volatile.Read(ref _array) ?? throw new ObjectDisposedException(nameof(MoqtPayload));
        return array.AsMemory(0, _length);
    }

    /// <summary>Adds a reference and returns this payload.</summary>
    /// <exception cref="ObjectDisposedException">The payload was already released by its last holder.</exception>
    public MoqtPayload Retain()
    {
        if (!TryRetain())
            throw new ObjectDisposedException(nameof(MoqtPayload));
        return this;
    }

    /// <summary>Adds a reference unless the payload was already released by its last holder.</summary>
    public bool TryRetain()
    {
        if (_refCount < 0)
            return true;
        int current = Volatile.Read(ref _refCount);
        while (true)
        {
            if (current == 0)
                return false;
            int seen = Interlocked.CompareExchange(ref _refCount, current + 1, current);
            if (seen == current)
                return true;
            current = seen;
        }
    }

    /// <summary>Drops a reference; the last one returns the buffer to its pool.</summary>
    /// <exception cref="InvalidOperationException">More releases than references.</exception>
    public void Release()
    {
        if (_refCount < 0)
            return;
        int count = Interlocked.Decrement(ref _refCount);
        if (count > 0)
            return;
        if (count < 0)
        {
            Interlocked.Exchange(ref _refCount, 0);
            throw new InvalidOperationException("MoqtPayload released more often than retained.");
        }

        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
            _pool?.Return(array);
    }
}
