using System.Buffers;
using MoqLive.Moqt.Wire;
using GroupOrder = MoqLive.Moqt.Model.GroupOrder;

namespace MoqLive.Moqt.Tests.Wire;

/// <summary>
/// Seeded mutation fuzzing of every decoder: inputs derived from the golden vectors by flipping, inserting,
/// deleting, truncating and splicing bytes. A decoder may only return a value, return false ("need more"), or
/// throw <see cref="MoqtProtocolException"/>; any other exception is a bug.
/// </summary>
public sealed class FuzzTests
{
    private const int Iterations = 100_000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Decoders_MutatedVectors_OnlyProtocolErrorsOrNeedMore(int seed)
    {
        var random = new Random(seed);
        byte[][] corpus = [.. GoldenVectorCatalog.All.Select(v => Hex.Parse(v.Hex))];
        int protocolErrors = 0;
        for (int i = 0; i < Iterations / 2; i++)
        {
            byte[] input = Mutate(random, corpus);
            try
            {
                if (RunAllDecoders(input, random.Next(4) == 0) > 0)
                    protocolErrors++;
            }
            catch (Exception e)
            {
                Assert.Fail($"Iteration {i} (seed {seed}) input {Hex.Of(input)} threw {e}");
            }
        }

        // Sanity: the fuzzer reaches the error paths.
        Assert.True(protocolErrors > 0);
    }

    private static byte[] Mutate(Random random, byte[][] corpus)
    {
        var bytes = new List<byte>(corpus[random.Next(corpus.Length)]);
        int mutations = 1 + random.Next(4);
        for (int m = 0; m < mutations; m++)
        {
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveAt(random.Next(bytes.Count));
                    break;
                case 4 when bytes.Count > 0:
                    bytes.RemoveRange(random.Next(bytes.Count), 1);
                    bytes = bytes.Take(random.Next(bytes.Count + 1)).ToList();
                    break;
                case 5:
                    byte[] other = corpus[random.Next(corpus.Length)];
                    int start = random.Next(other.Length);
                    bytes.InsertRange(random.Next(bytes.Count + 1), other.Skip(start).Take(random.Next(other.Length - start + 1)));
                    break;
                default:
                    // Interesting values: vi64 prefixes and the largest encodings.
                    byte[] special = [0xFF, 0xFE, 0x80, 0xC0, 0x7F, 0x00];
                    if (bytes.Count > 0)
                        bytes[random.Next(bytes.Count)] = special[random.Next(special.Length)];
                    break;
            }
        }

        return [.. bytes];
    }

    private static int RunAllDecoders(byte[] input, bool segmented)
    {
        int errors = 0;
        ReadOnlySequence<byte> sequence = segmented ? Segments.Bytewise(input) : new ReadOnlySequence<byte>(input);

        // Control stream: read messages until "need more".
        ReadOnlySequence<byte> control = sequence;
        Guard(() =>
        {
            while (ControlMessageCodec.TryRead(ref control, MoqtVersion.Draft19, out MoqtControlMessage message))
                _ = ControlMessageCodec.Encode(message, MoqtVersion.Draft19);
        });

        Guard(() => _ = ObjectDatagram.Read(input));

        Guard(() =>
        {
            var reader = new SequenceReader<byte>(sequence);
            if (!Vi64.TryRead(ref reader, out ulong type))
                return;
            _ = MoqtStreamType.Classify(type);
        });

        Guard(() =>
        {
            var reader = new SequenceReader<byte>(sequence);
            if (!SubgroupHeader.TryRead(ref reader, out SubgroupHeader header))
                return;
            ulong? previous = null;
            while (SubgroupObjectHeader.TryReadWithPayload(ref reader, header, previous, out SubgroupObjectHeader obj, out _))
                previous = obj.ObjectId;
        });

        foreach (GroupOrder order in new[] { GroupOrder.Ascending, GroupOrder.Descending })
        {
            Guard(() =>
            {
                var reader = new SequenceReader<byte>(sequence);
                if (!FetchHeader.TryRead(ref reader, out _))
                    return;
                var state = new FetchStreamState(order);
                while (FetchObjectHeader.TryReadWithPayload(ref reader, state, out _, out _))
                {
                }
            });
        }

        return errors;

        void Guard(Action decode)
        {
            try
            {
                decode();
            }
            catch (MoqtProtocolException)
            {
                errors++;
            }
        }
    }
}
