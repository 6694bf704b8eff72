using MoqLive.Media.MpegTs;
using MoqLive.Testing;

namespace MoqLive.Media.Tests.MpegTs;

/// <summary>
/// Seeded mutation fuzzing of the MPEG-TS reader on ffmpeg's output: whatever the bytes, it ends (the whole run is
/// bounded) and only <see cref="MpegTsFormatException"/> escapes.
/// </summary>
public sealed class MpegTsReaderFuzzTests
{
    private const int Iterations = 3000;

    [Fact]
    public async Task Read_MutatedInputs_OnlyMpegTsFormatExceptionAndTerminates()
    {
        byte[] seed = File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "testdata", "media", "testsrc2-simulcast-h264.ts"));
        Assert.Null(await ParseAsync(seed));
        var random = new Random(20261124);
        int rejected = 0;
        await Task.Run(async () =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                Exception? error = await ParseAsync(Mutate(seed, random));
                if (error is not null and not MpegTsFormatException)
                    Assert.Fail($"Iteration {i}: {error.GetType().Name} escaped: {error}");
                if (error is not null)
                    rejected++;
            }
        }).WithTimeout(TestTimeouts.Long);
        Assert.InRange(rejected, Iterations / 4, Iterations);
    }

    private static Task<Exception?> ParseAsync(byte[] input)
        => TestMedia.ReadToEndAsync(new MpegTsReader(new MemoryStream(input, writable: false)));

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] data = (byte[])seed.Clone();
        int mutations = 1 + random.Next(4);
        for (int m = 0; m < mutations && data.Length > 0; m++)
        {
            int at = random.Next(data.Length);
            switch (random.Next(6))
            {
                case 0: // flip a bit
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // random byte in a packet header or the first bytes of a payload (PSI, PES header)
                    data[(at / 188 * 188) + random.Next(Math.Min(24, data.Length - (at / 188 * 188)))] = (byte)random.Next(256);
                    break;
                case 2: // truncate at any byte or at a packet boundary
                    data = data[..(random.Next(2) == 0 ? at : at / 188 * 188)];
                    break;
                case 3: // drop a whole packet (a continuity error unless it was a PCR-only or null packet)
                    {
                        int start = at / 188 * 188;
                        data = [.. data[..start], .. data[Math.Min(data.Length, start + 188)..]];
                        break;
                    }
                case 4: // duplicate a packet
                    {
                        int start = at / 188 * 188;
                        data = [.. data[..Math.Min(data.Length, start + 188)], .. data[start..]];
                        break;
                    }
                default: // an extreme PES_packet_length / section_length / adaptation_field_length
                    data[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0;
                    break;
            }
        }
        return data;
    }
}
