using System.Buffers;
using MoqLive.Http3.Frames;
using MoqLive.Http3.QPack;

namespace MoqLive.Http3.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzing of the decoders (STYLE.md: decoders get fuzz or property tests). Every input must end
/// in a result, "need more bytes", or one of the typed protocol exceptions carrying an HTTP/3 code; anything
/// else (IndexOutOfRange, Overflow, InvalidOperation, ...) fails the test with the seed and input to reproduce.
/// </summary>
public sealed class DecoderFuzzTests
{
    private const int Iterations = 100_000;

    private static readonly byte[][] s_fieldSectionSeeds = BuildFieldSectionSeeds();
    private static readonly byte[][] s_frameSeeds = BuildFrameSeeds();

    [Fact]
    public void QPackDecoder_MutatedFieldSections_OnlyTypedErrors()
    {
        var random = new Random(9204);
        var decoder = new QPackDecoder(maxFieldSectionSize: 4096);
        int decoded = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = Mutate(random, s_fieldSectionSeeds[random.Next(s_fieldSectionSeeds.Length)]);
            try
            {
                decoder.Decode(input);
                decoded++;
            }
            catch (Http3ConnectionErrorException ex) when (ex.ErrorCode == Http3ErrorCode.QPackDecompressionFailed)
            {
            }
            catch (Http3StreamErrorException ex) when (ex.FieldSectionTooLarge)
            {
            }
            catch (Exception ex)
            {
                Assert.Fail($"Iteration {i}: {ex.GetType().Name} for {Convert.ToHexString(input)}: {ex}");
            }
        }

        // The mutations must leave a fair share valid, or the fuzzer is only testing the prefix check.
        Assert.InRange(decoded, Iterations / 20, Iterations);
    }

    [Fact]
    public void FrameReader_MutatedStreams_OnlyTypedErrorsOrNeedMore()
    {
        var random = new Random(9114);
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = Mutate(random, s_frameSeeds[random.Next(s_frameSeeds.Length)]);
            ReadOnlySequence<byte> sequence = random.Next(4) == 0
                ? TestSequence.Split(input, 1 + random.Next(4))
                : new ReadOnlySequence<byte>(input);
            try
            {
                while (Http3FrameReader.TryReadFrame(ref sequence, 1024, out Http3Frame frame))
                {
                    switch (frame.KnownType)
                    {
                        case Http3FrameType.Settings:
                            SettingsFrame.Parse(frame.Payload);
                            break;
                        case Http3FrameType.GoAway or Http3FrameType.CancelPush or Http3FrameType.MaxPushId:
                            Http3FrameReader.ReadSingleVarInt(frame.Payload, "fuzz");
                            break;
                    }
                }
            }
            catch (Http3ConnectionErrorException ex) when (ex.ErrorCode is Http3ErrorCode.FrameError
                or Http3ErrorCode.SettingsError or Http3ErrorCode.ExcessiveLoad)
            {
            }
            catch (Exception ex)
            {
                Assert.Fail($"Iteration {i}: {ex.GetType().Name} for {Convert.ToHexString(input)}: {ex}");
            }
        }
    }

    [Fact]
    public void QPackInstructionStreams_RandomBytes_OnlyTypedErrorsOrNeedMore()
    {
        var random = new Random(9205);
        for (int i = 0; i < Iterations; i++)
        {
            var input = new byte[random.Next(0, 16)];
            random.NextBytes(input);
            if (input.Length > 0 && random.Next(2) == 0)
                input[0] = (byte)(0x20 | (input[0] & 0x1F)); // favour Set Dynamic Table Capacity
            try
            {
                var sequence = new ReadOnlySequence<byte>(input);
                QPackEncoderStreamReader.Process(ref sequence);
            }
            catch (Http3ConnectionErrorException ex) when (ex.ErrorCode == Http3ErrorCode.QPackEncoderStreamError)
            {
            }

            try
            {
                var sequence = new ReadOnlySequence<byte>(input);
                QPackDecoderStreamReader.Process(ref sequence);
            }
            catch (Http3ConnectionErrorException ex) when (ex.ErrorCode == Http3ErrorCode.QPackDecoderStreamError)
            {
            }
        }
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var data = new List<byte>(seed);
        int mutations = random.Next(0, 4);
        for (int m = 0; m < mutations; m++)
        {
            int choice = random.Next(6);
            if (data.Count == 0)
                choice = 2;
            switch (choice)
            {
                case 0: // flip a bit
                    {
                        int index = random.Next(data.Count);
                        data[index] ^= (byte)(1 << random.Next(8));
                        break;
                    }
                case 1: // replace a byte
                    data[random.Next(data.Count)] = (byte)random.Next(256);
                    break;
                case 2: // insert a byte (often an interesting one)
                    {
                        byte[] interesting = [0x00, 0x7F, 0x80, 0xFF, 0x3F, 0x40, 0xC0, 0x1F];
                        byte value = random.Next(2) == 0 ? interesting[random.Next(interesting.Length)] : (byte)random.Next(256);
                        data.Insert(random.Next(data.Count + 1), value);
                        break;
                    }
                case 3: // delete a byte
                    data.RemoveAt(random.Next(data.Count));
                    break;
                case 4: // truncate
                    {
                        int cut = random.Next(data.Count);
                        data.RemoveRange(cut, data.Count - cut);
                        break;
                    }
                default: // duplicate a slice
                    {
                        int start = random.Next(data.Count);
                        int length = random.Next(1, Math.Min(8, data.Count - start) + 1);
                        data.InsertRange(random.Next(data.Count + 1), data.GetRange(start, length));
                        break;
                    }
            }
        }

        return [.. data];
    }

    private static byte[][] BuildFieldSectionSeeds()
    {
        HeaderField[][] sets =
        [
            [new(":method", "GET"), new(":scheme", "https"), new(":authority", "example.com"), new(":path", "/index.html")],
            [new(":status", "200"), new("content-type", "text/plain"), new("content-length", "1048576")],
            [new(":method", "CONNECT"), new(":protocol", "webtransport"), new("origin", "https://a.example"), new("sec-webtransport-http3-draft02", "1")],
            [new("x-custom", new string('z', 70)), new("cookie", "a=b; c=d"), new("\u00ff\u0001", "\u0000")],
            [],
        ];
        var seeds = new List<byte[]>();
        foreach (HeaderField[] set in sets)
        {
            var writer = new ArrayBufferWriter<byte>();
            QPackEncoder.Encode(set, writer);
            seeds.Add(writer.WrittenSpan.ToArray());
        }

        seeds.Add(Convert.FromHexString("0000510b2f696e6465782e68746d6c")); // RFC 9204 B.1
        seeds.Add(Convert.FromHexString("00002f0125a849e95ba97d7f8925a849e95bb8e8b4bf")); // literal name, Huffman
        return [.. seeds];
    }

    private static byte[][] BuildFrameSeeds()
    {
        var writer = new ArrayBufferWriter<byte>();
        Http3FrameWriter.WriteSettings(writer, new Dictionary<ulong, ulong> { [6] = 16384, [0x21] = 1, [0x2b603742] = 1 });
        Http3FrameWriter.WriteGoAway(writer, 400);
        Http3FrameWriter.WriteMaxPushId(writer, 3);
        Http3FrameWriter.WriteCancelPush(writer, 1);
        Http3FrameWriter.WriteHeaders(writer, [0, 0, 0xD1, 0xC1]);
        Http3FrameWriter.WriteData(writer, new byte[20]);
        Http3FrameWriter.WriteFrame(writer, 0x21 + 0x1f, [9, 9]);
        byte[] all = writer.WrittenSpan.ToArray();

        var single = new ArrayBufferWriter<byte>();
        Http3FrameWriter.WriteSettings(single, new Dictionary<ulong, ulong> { [1] = 0, [7] = 0 });
        return [all, single.WrittenSpan.ToArray(), [0x04, 0x00], [0x07, 0x01, 0x00]];
    }
}
