using MoqLive.Media.Mp4;
using static MoqLive.Media.Tests.Mp4.Mp4Builder;

namespace MoqLive.Media.Tests.Mp4;

/// <summary>
/// Seeded mutation fuzzing of the demuxer: whatever the bytes, only <see cref="Mp4FormatException"/> escapes, and what it
/// allocates stays bounded by the input size and the configured box limits (box sizes are checked before buffering).
/// </summary>
public sealed class FragmentedMp4ReaderFuzzTests
{
    private const int Iterations = 12_000;
    private static readonly Mp4ReaderOptions Limits = new() { MaxBoxSize = 256 * 1024, MaxMdatSize = 256 * 1024, MaxSamplesPerFragment = 4096 };

    private static byte[][] Seeds()
    {
        byte[] file = TestMedia.Bytes;
        // Init segment + first fragment of the ffmpeg file (the first moof starts at 1240, the second at 49231).
        byte[] real = file[..49231];
        byte[] synthetic =
        [
            .. Ftyp(),
            .. Moov([Trak(1, "vide", 90000, Vp09(640, 360, 0, 10, 8)), Trak(2, "soun", 48000, Opus(2, 312))], [Trex(1, 3000, 0, 0x01010000), Trex(2, 960, 0, 0x02000000)]),
            .. Fragment(1, 1, 0, 0x02003A, 0xF05, [new(3000, [1, 2, 3, 4], 0x02000000, 3000), new(3000, [5, 6], 0x01010000, -3000)], 3000, 4, 0x01010000, 1),
            .. Fragment(2, 2, 0, 0x020000, 0x301, [new(960, [9, 9], 0), new(960, [8], 0)]),
        ];
        return [real, synthetic];
    }

    [Fact]
    public async Task Read_MutatedInputs_OnlyMp4FormatExceptionAndBoundedAllocation()
    {
        byte[][] seeds = Seeds();
        // Both seeds are valid to begin with.
        foreach (byte[] seed in seeds)
            Assert.Null(await ParseAsync(seed));

        var random = new Random(20261124);
        int rejected = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] seed = seeds[i % seeds.Length];
            byte[] input = Mutate(seed, random);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Exception? error = await ParseAsync(input);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            if (error is not null and not Mp4FormatException)
                Assert.Fail($"Iteration {i}: {error.GetType().Name} escaped: {error}");
            if (error is not null)
                rejected++;
            // Bodies are copied once (moov/moof/mdat ≤ input), plus per-sample records and parse state.
            long bound = 4L * input.Length + 2 * 1024 * 1024;
            Assert.True(allocated < bound, $"Iteration {i}: {allocated} bytes allocated for a {input.Length}-byte input");
        }
        // The mutations must actually exercise the error paths.
        Assert.InRange(rejected, Iterations / 4, Iterations);
    }

    // MemoryStream completes reads synchronously, so the parse runs on this thread (for the allocation count).
    private static Task<Exception?> ParseAsync(byte[] input)
        => TestMedia.ReadToEndAsync(new FragmentedMp4Reader(new MemoryStream(input, writable: false), Limits));

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] data = (byte[])seed.Clone();
        int mutations = 1 + random.Next(4);
        for (int m = 0; m < mutations && data.Length > 8; m++)
        {
            switch (random.Next(7))
            {
                case 0: // flip a bit
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // random byte, biased to the first 2 KiB where the box headers and the moov are
                    data[random.Next(Math.Min(data.Length, random.Next(2) == 0 ? 2048 : data.Length))] = (byte)random.Next(256);
                    break;
                case 2: // overwrite a 32-bit field near a box type with an extreme value
                    {
                        int at = random.Next(data.Length - 4);
                        uint value = random.Next(4) switch { 0 => 0, 1 => 1, 2 => uint.MaxValue, _ => (uint)random.Next() };
                        data[at] = (byte)(value >> 24);
                        data[at + 1] = (byte)(value >> 16);
                        data[at + 2] = (byte)(value >> 8);
                        data[at + 3] = (byte)value;
                        break;
                    }
                case 3: // truncate
                    data = data[..random.Next(data.Length)];
                    break;
                case 4: // delete a range
                    {
                        int at = random.Next(data.Length);
                        int length = Math.Min(random.Next(1, 64), data.Length - at);
                        data = [.. data[..at], .. data[(at + length)..]];
                        break;
                    }
                case 5: // duplicate a range
                    {
                        int at = random.Next(data.Length);
                        int length = Math.Min(random.Next(1, 64), data.Length - at);
                        data = [.. data[..(at + length)], .. data[at..]];
                        break;
                    }
                default: // corrupt a box size field: find a known type and change the 4 bytes before it
                    {
                        ReadOnlySpan<byte> types = "moovtrakmdiamdhdstsdavcCdOpsmvextrexmooftraftfhdtfdttrunmdat"u8;
                        int t = random.Next(types.Length / 4) * 4;
                        int index = data.AsSpan().IndexOf(types.Slice(t, 4));
                        if (index >= 4)
                        {
                            uint value = random.Next(3) switch { 0 => (uint)random.Next(16), 1 => uint.MaxValue - (uint)random.Next(16), _ => (uint)random.Next(1 << 24) };
                            data[index - 4] = (byte)(value >> 24);
                            data[index - 3] = (byte)(value >> 16);
                            data[index - 2] = (byte)(value >> 8);
                            data[index - 1] = (byte)value;
                        }
                        break;
                    }
            }
        }
        return data;
    }
}
