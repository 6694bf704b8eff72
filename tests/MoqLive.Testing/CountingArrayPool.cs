using System.Buffers;

namespace MoqLive.Testing;

/// <summary>
/// An <see cref="ArrayPool{T}"/> that counts rents and returns, so tests can assert that pooled buffers come back and
/// how many bytes are outstanding at any moment. Thread-safe.
/// </summary>
public sealed class CountingArrayPool : ArrayPool<byte>
{
    private long _rented;
    private long _returned;
    private long _outstandingBytes;
    private long _peakOutstandingBytes;

    /// <summary>Buffers rented so far.</summary>
    public long Rented => Interlocked.Read(ref _rented);

    /// <summary>Buffers returned so far.</summary>
    public long Returned => Interlocked.Read(ref _returned);

    /// <summary>Buffers rented and not yet returned.</summary>
    public long Outstanding => Rented - Returned;

    /// <summary>Bytes of buffers rented and not yet returned.</summary>
    public long OutstandingBytes => Interlocked.Read(ref _outstandingBytes);

    /// <summary>Highest <see cref="OutstandingBytes"/> seen.</summary>
    public long PeakOutstandingBytes => Interlocked.Read(ref _peakOutstandingBytes);

    /// <inheritdoc />
    public override byte[] Rent(int minimumLength)
    {
        var array = new byte[minimumLength];
        Interlocked.Increment(ref _rented);
        long now = Interlocked.Add(ref _outstandingBytes, array.Length);
        long peak = Interlocked.Read(ref _peakOutstandingBytes);
        while (now > peak)
        {
            long seen = Interlocked.CompareExchange(ref _peakOutstandingBytes, now, peak);
            if (seen == peak)
                break;
            peak = seen;
        }

        return array;
    }

    /// <inheritdoc />
    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        Interlocked.Increment(ref _returned);
        Interlocked.Add(ref _outstandingBytes, -array.Length);
    }
}
