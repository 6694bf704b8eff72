namespace MoqLive.Testbed.Pipelines;

/// <summary>
/// The capture time burnt into each source frame, so a viewer page can read it back from the rendered picture and
/// compute glass-to-glass latency with the same clock (every namespace shares the host clock). The top 48 rows carry
/// the low 32 bits of the Unix time in milliseconds as 32 black/white blocks of 20 × 24 pixels (bit 31 first), and
/// below them the same bits inverted, so a reader can tell a clean frame from one smeared by compression. Big flat
/// blocks survive any sane encoder setting. The page's reader (player/measure.js) is the mirror of <see cref="TryRead"/>.
/// </summary>
public static class FrameStamp
{
    public const int Width = 640;
    public const int Height = 360;
    public const int Bits = 32;
    public const int BlockWidth = Width / Bits;
    public const int BlockHeight = 24;

    /// <summary>Bytes of one 8-bit gray frame.</summary>
    public const int FrameBytes = Width * Height;

    /// <summary>Draws frame <paramref name="frameIndex"/> stamped with <paramref name="unixMilliseconds"/> into <paramref name="gray"/>.</summary>
    public static void Draw(Span<byte> gray, long unixMilliseconds, long frameIndex)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gray.Length, FrameBytes, nameof(gray));
        uint stamp = unchecked((uint)unixMilliseconds);
        for (int y = 0; y < 2 * BlockHeight; y++)
        {
            var row = gray.Slice(y * Width, Width);
            bool inverted = y >= BlockHeight;
            for (int bit = 0; bit < Bits; bit++)
            {
                bool one = ((stamp >> (Bits - 1 - bit)) & 1) != 0;
                row.Slice(bit * BlockWidth, BlockWidth).Fill(one ^ inverted ? (byte)235 : (byte)16);
            }
        }

        // Below the stamp: a moving diagonal pattern, so the encoder has motion to spend bits on, as with a camera.
        int shift = (int)(frameIndex * 4 % 256);
        for (int y = 2 * BlockHeight; y < Height; y++)
        {
            var row = gray.Slice(y * Width, Width);
            for (int x = 0; x < Width; x++)
            {
                row[x] = (byte)(64 + ((x + y + shift) & 127));
            }
        }
    }

    /// <summary>Reads the stamp back (threshold at mid-gray at each block's centre); false when the two rows disagree.</summary>
    public static bool TryRead(ReadOnlySpan<byte> gray, out uint stamp)
    {
        stamp = 0;
        if (gray.Length < 2 * BlockHeight * Width)
        {
            return false;
        }

        for (int bit = 0; bit < Bits; bit++)
        {
            int x = (bit * BlockWidth) + (BlockWidth / 2);
            bool one = gray[(BlockHeight / 2 * Width) + x] >= 128;
            bool inverse = gray[((BlockHeight + (BlockHeight / 2)) * Width) + x] >= 128;
            if (one == inverse)
            {
                return false;
            }

            stamp = (stamp << 1) | (one ? 1u : 0u);
        }

        return true;
    }

    /// <summary>Milliseconds from a stamp to <paramref name="nowUnixMilliseconds"/>, modulo 2^32 (49 days).</summary>
    public static long LatencyMilliseconds(uint stamp, long nowUnixMilliseconds) => unchecked((uint)nowUnixMilliseconds - stamp);
}
