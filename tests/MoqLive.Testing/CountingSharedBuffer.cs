using MoqLive.Transport;

namespace MoqLive.Testing;

/// <summary>
/// An <see cref="ISharedBuffer"/> that counts its references, so tests can assert who holds it. Starts with one
/// reference (the creator's); releasing more often than retaining throws, and the bytes are unreadable (throw)
/// once the last reference is gone, as a pooled payload's would be. Thread-safe.
/// </summary>
public sealed class CountingSharedBuffer(byte[] bytes) : ISharedBuffer
{
    private int _refCount = 1;

    /// <summary>References held now (1 = only the creator's).</summary>
    public int RefCount => Volatile.Read(ref _refCount);

    public ReadOnlyMemory<byte> Memory =>
        RefCount > 0 ? bytes : throw new ObjectDisposedException(nameof(CountingSharedBuffer), "read after the last release");

    public bool TryRetain()
    {
        int current = Volatile.Read(ref _refCount);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref _refCount, current + 1, current);
            if (seen == current) return true;
            current = seen;
        }
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _refCount) < 0)
            throw new InvalidOperationException("released more often than retained");
    }
}
