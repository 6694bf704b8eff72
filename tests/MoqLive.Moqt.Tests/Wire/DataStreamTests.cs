using System.Buffers;
using MoqLive.Moqt.Wire;
using Location = MoqLive.Moqt.Model.Location;
using GroupOrder = MoqLive.Moqt.Model.GroupOrder;
using ObjectStatus = MoqLive.Moqt.Model.ObjectStatus;

namespace MoqLive.Moqt.Tests.Wire;

public sealed class DataStreamTests
{
    public static TheoryData<string> SubgroupVectors() => [.. GoldenVectorCatalog.All.Where(v => v.Kind == "subgroup_stream").Select(v => v.Name)];

    public static TheoryData<string> FetchVectors() => [.. GoldenVectorCatalog.All.Where(v => v.Kind == "fetch_stream").Select(v => v.Name)];

    private static GoldenVector Get(string name) => GoldenVectorCatalog.All.Single(v => v.Name == name);

    [Theory]
    [MemberData(nameof(SubgroupVectors))]
    public void SubgroupStream_EveryPrefix_NeedsMoreWithoutConsuming(string name)
    {
        byte[] bytes = Hex.Parse(Get(name).Hex);
        var expected = (SubgroupStream)Get(name).Value;
        for (int prefix = 0; prefix <= bytes.Length; prefix++)
        {
            var reader = new SequenceReader<byte>(Segments.Split(bytes[..prefix], prefix / 2));
            int objects = 0;
            if (SubgroupHeader.TryRead(ref reader, out SubgroupHeader header))
            {
                ulong? previous = null;
                while (true)
                {
                    long before = reader.Consumed;
                    if (!SubgroupObjectHeader.TryReadWithPayload(ref reader, header, previous, out SubgroupObjectHeader obj, out _))
                    {
                        Assert.Equal(before, reader.Consumed);
                        break;
                    }

                    Assert.Equal(expected.Objects[objects].Header, obj);
                    previous = obj.ObjectId;
                    objects++;
                }
            }
            else
            {
                Assert.Equal(0, reader.Consumed);
            }

            Assert.Equal(prefix == bytes.Length, objects == expected.Objects.Count && reader.End);
        }
    }

    [Theory]
    [MemberData(nameof(FetchVectors))]
    public void FetchStream_EveryPrefix_NeedsMoreWithoutConsumingOrChangingState(string name)
    {
        byte[] bytes = Hex.Parse(Get(name).Hex);
        var expected = (FetchStream)Get(name).Value;
        for (int prefix = 0; prefix <= bytes.Length; prefix++)
        {
            var reader = new SequenceReader<byte>(Segments.Split(bytes[..prefix], 1, prefix - 1));
            int entries = 0;
            bool headerRead = FetchHeader.TryRead(ref reader, out _);
            if (headerRead)
            {
                var state = new FetchStreamState(expected.GroupOrder);
                while (true)
                {
                    long before = reader.Consumed;
                    (ulong?, ulong?, ulong?, byte?) snapshot = (state.PriorGroup, state.PriorObject, state.PriorSubgroup, state.PriorPriority);
                    if (!FetchObjectHeader.TryReadWithPayload(ref reader, state, out FetchObjectHeader entry, out _))
                    {
                        Assert.Equal(before, reader.Consumed);
                        Assert.Equal(snapshot, (state.PriorGroup, state.PriorObject, state.PriorSubgroup, state.PriorPriority));
                        break;
                    }

                    Assert.Equal(expected.Entries[entries].Header, entry);
                    entries++;
                }
            }

            Assert.Equal(prefix == bytes.Length, headerRead && entries == expected.Entries.Count && reader.End);
        }
    }

    [Fact]
    public void SubgroupStream_SeededRandom_RoundTrips()
    {
        var random = new Random(7);
        for (int i = 0; i < 2_000; i++)
        {
            byte type = ManualEncoding.ValidSubgroupTypes[random.Next(ManualEncoding.ValidSubgroupTypes.Count)];
            var mode = (SubgroupIdMode)((type >> 1) & 3);
            var header = new SubgroupHeader
            {
                TrackAlias = RandomValue(random),
                GroupId = RandomValue(random),
                SubgroupIdMode = mode,
                SubgroupId = mode == SubgroupIdMode.Explicit ? RandomValue(random) : 0,
                PublisherPriority = (type & 0x20) != 0 ? null : (byte)random.Next(256),
                HasProperties = (type & 1) != 0,
                EndOfGroup = (type & 8) != 0,
                FirstObject = (type & 0x40) != 0,
            };
            Assert.Equal(type, header.StreamType);
            var objects = new List<SubgroupStreamObject>();
            ulong id = (ulong)random.Next(1000);
            for (int o = random.Next(5); o >= 0; o--)
            {
                id += (ulong)random.Next(3);
                IReadOnlyList<MoqtKeyValuePair> props = header.HasProperties && random.Next(2) == 0
                    ? [MoqtKeyValuePair.FromInt(2, RandomValue(random)), MoqtKeyValuePair.FromBytes(0x9D, RandomBytes(random, 20))]
                    : [];
                byte[] payload = RandomBytes(random, 40);
                objects.Add(random.Next(6) == 0 && payload.Length > 0 && props.Count == 0
                    ? new SubgroupStreamObject(SubgroupObjectHeader.ForStatus(id, ObjectStatus.EndOfGroup), ReadOnlyMemory<byte>.Empty)
                    : new SubgroupStreamObject(SubgroupObjectHeader.ForPayload(id, (ulong)payload.Length, props), payload));
                id++;
            }

            var stream = new SubgroupStream(header, objects);
            byte[] bytes = stream.Encode();
            Assert.Equal(WireJson.ToJson(stream), WireJson.ToJson(SubgroupStream.Decode(Segments.Split(bytes, random.Next(bytes.Length)))));
        }
    }

    [Fact]
    public void FetchStream_SeededRandom_RoundTrips()
    {
        var random = new Random(11);
        for (int i = 0; i < 2_000; i++)
        {
            GroupOrder order = random.Next(2) == 0 ? GroupOrder.Ascending : GroupOrder.Descending;
            ulong group = order == GroupOrder.Ascending ? (ulong)random.Next(100) : 1_000 + (ulong)random.Next(100);
            ulong obj = (ulong)random.Next(10);
            var entries = new List<FetchStreamEntry>();
            for (int e = random.Next(8); e >= 0; e--)
            {
                if (random.Next(3) == 0)
                {
                    ulong step = (ulong)random.Next(3);
                    group = order == GroupOrder.Ascending ? group + step : group - step;
                    if (step > 0)
                        obj = (ulong)random.Next(5);
                }

                if (random.Next(8) == 0)
                {
                    entries.Add(new(FetchObjectHeader.EndOfRange(new Location(group, obj + 3), random.Next(2) == 0), ReadOnlyMemory<byte>.Empty));
                    obj += 4;
                    continue;
                }

                ulong? subgroup = random.Next(5) switch { 0 => null, 1 => 0, _ => (ulong)random.Next(4) };
                byte[] payload = RandomBytes(random, 30);
                IReadOnlyList<MoqtKeyValuePair> props = random.Next(4) == 0 ? [MoqtKeyValuePair.FromInt(0x3C, 1)] : [];
                entries.Add(new(FetchObjectHeader.ForObject(new Location(group, obj), subgroup, (byte)random.Next(3), (ulong)payload.Length, props), payload));
                obj += 1 + (ulong)random.Next(2);
            }

            var stream = new FetchStream(new FetchHeader(RandomValue(random)), order, entries);
            byte[] bytes = stream.Encode();
            Assert.Equal(WireJson.ToJson(stream), WireJson.ToJson(FetchStream.Decode(Segments.Split(bytes, random.Next(bytes.Length)), order)));
        }
    }

    [Fact]
    public void ObjectDatagram_SeededRandom_RoundTrips()
    {
        var random = new Random(13);
        for (int i = 0; i < 2_000; i++)
        {
            bool status = random.Next(3) == 0;
            var datagram = new ObjectDatagram
            {
                TrackAlias = RandomValue(random),
                GroupId = RandomValue(random),
                ObjectId = random.Next(3) == 0 ? 0 : RandomValue(random),
                PublisherPriority = random.Next(2) == 0 ? null : (byte)random.Next(256),
                Properties = random.Next(2) == 0 ? [MoqtKeyValuePair.FromInt(4, RandomValue(random))] : [],
                EndOfGroup = !status && random.Next(2) == 0,
                Status = status ? ObjectStatus.Normal : null,
                Payload = status ? ReadOnlyMemory<byte>.Empty : RandomBytes(random, 100),
            };
            byte[] bytes = datagram.ToArray();
            Assert.True(ObjectDatagram.IsObjectDatagramType(datagram.DatagramType));
            Assert.Equal(datagram, ObjectDatagram.Read(bytes));
        }
    }

    [Fact]
    public void ObjectDatagram_Read_PayloadAliasesInput()
    {
        byte[] bytes = Hex.Parse("00 01 02 03 80 6869");
        ObjectDatagram datagram = ObjectDatagram.Read(bytes)!;
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(datagram.Payload, out ArraySegment<byte> segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(5, segment.Offset);
    }

    [Fact]
    public void SubgroupObject_TryReadWithPayload_SlicesWithoutCopying()
    {
        byte[] bytes = Hex.Parse("14 02 00 00 00 00 04 61626364");
        var sequence = new ReadOnlySequence<byte>(bytes);
        var reader = new SequenceReader<byte>(sequence);
        Assert.True(SubgroupHeader.TryRead(ref reader, out SubgroupHeader header));
        Assert.True(SubgroupObjectHeader.TryReadWithPayload(ref reader, header, null, out _, out ReadOnlySequence<byte> payload));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(payload.First, out ArraySegment<byte> segment));
        Assert.Same(bytes, segment.Array);
    }

    [Theory]
    [InlineData(0x05UL, MoqtStreamKind.Fetch)]
    [InlineData(0x2F00UL, MoqtStreamKind.Control)]
    [InlineData(0x132B3E28UL, MoqtStreamKind.Padding)]
    [InlineData(0x10UL, MoqtStreamKind.Subgroup)]
    [InlineData(0x7DUL, MoqtStreamKind.Subgroup)]
    public void Classify_KnownTypes(ulong type, MoqtStreamKind kind) => Assert.Equal(kind, MoqtStreamType.Classify(type));

    private static ulong RandomValue(Random random) => random.Next(4) switch
    {
        0 => (ulong)random.Next(128),
        1 => (ulong)random.Next(1 << 20),
        2 => (ulong)random.NextInt64(),
        _ => ulong.MaxValue - (ulong)random.Next(10),
    };

    private static byte[] RandomBytes(Random random, int max)
    {
        var bytes = new byte[random.Next(max + 1)];
        random.NextBytes(bytes);
        return bytes;
    }
}
