namespace MoqLive.Testbed.Pipelines;

/// <summary>
/// The capture time and frame number burnt into each source frame, so a viewer page can read them back from the
/// rendered picture and compute glass-to-glass latency with the same clock (every namespace shares the host clock)
/// and count frames that never arrived. Two bands of 48 rows: the low 32 bits of the Unix time in milliseconds, then
/// the frame number, each as 32 black/white blocks of 20 × 24 pixels (bit 31 first) with the same bits inverted
/// below, so a reader can tell a clean frame from one smeared by compression. Big flat blocks survive any sane
/// encoder setting. The page's reader (Player/measure.js) is the mirror of <see cref="TryRead"/>.
/// </summary>
public static class FrameStamp
{
    public const int Width = 640;
    public const int Height = 360;
    public const int Bits = 32;
    public const int BlockWidth = Width / Bits;
    public const int BlockHeight = 24;

    /// <summary>Rows of one band (the bits, then their inverse).</summary>
    public const int BandHeight = 2 * BlockHeight;

    /// <summary>Bytes of one 8-bit gray frame.</summary>
    public const int FrameBytes = Width * Height;

    /// <summary>Draws frame <paramref name="frameIndex"/> stamped with <paramref name="unixMilliseconds"/> into <paramref name="gray"/>.</summary>
    public static void Draw(Span<byte> gray, long unixMilliseconds, long frameIndex)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gray.Length, FrameBytes, nameof(gray));
        DrawBand(gray, 0, unchecked((uint)unixMilliseconds));
        DrawBand(gray, 1, unchecked((uint)frameIndex));

        // Below the stamp: a moving diagonal pattern, so the encoder has motion to spend bits on, as with a camera.
        int shift = (int)(frameIndex * 4 % 256);
        for (int y = 2 * BandHeight; y < Height; y++)
        {
            var row = gray.Slice(y * Width, Width);
            for (int x = 0; x < Width; x++)
            {
                row[x] = (byte)(64 + ((x + y + shift) & 127));
            }
        }
    }

    /// <summary>Reads the stamp back (threshold at mid-gray at each block's centre); false when a bit and its inverse agree.</summary>
    public static bool TryRead(ReadOnlySpan<byte> gray, out uint stamp, out uint frameIndex)
    {
        frameIndex = 0;
        return TryReadBand(gray, 0, out stamp) && TryReadBand(gray, 1, out frameIndex);
    }

    private static void DrawBand(Span<byte> gray, int band, uint value)
    {
        for (int y = 0; y < BandHeight; y++)
        {
            var row = gray.Slice(((band * BandHeight) + y) * Width, Width);
            bool inverted = y >= BlockHeight;
            for (int bit = 0; bit < Bits; bit++)
            {
                bool one = ((value >> (Bits - 1 - bit)) & 1) != 0;
                row.Slice(bit * BlockWidth, BlockWidth).Fill(one ^ inverted ? (byte)235 : (byte)16);
            }
        }
    }

    private static bool TryReadBand(ReadOnlySpan<byte> gray, int band, out uint value)
    {
        value = 0;
        int top = band * BandHeight;
        if (gray.Length < (top + BandHeight) * Width)
        {
            return false;
        }

        for (int bit = 0; bit < Bits; bit++)
        {
            int x = (bit * BlockWidth) + (BlockWidth / 2);
            bool one = gray[((top + (BlockHeight / 2)) * Width) + x] >= 128;
            bool inverse = gray[((top + BlockHeight + (BlockHeight / 2)) * Width) + x] >= 128;
            if (one == inverse)
            {
                return false;
            }

            value = (value << 1) | (one ? 1u : 0u);
        }

        return true;
    }

    /// <summary>Milliseconds from a stamp to <paramref name="nowUnixMilliseconds"/>, modulo 2^32 (49 days).</summary>
    public static long LatencyMilliseconds(uint stamp, long nowUnixMilliseconds) => unchecked((uint)nowUnixMilliseconds - stamp);
}
