using MoqLive.Quic.Recovery;

namespace MoqLive.Quic.Tests.Recovery;

public class PacketSpaceRecoveryTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomAddsAndRemoves_MatchASortedReference(int seed)
    {
        var random = new Random(seed);
        var space = new PacketSpaceRecovery();
        var reference = new SortedDictionary<ulong, SentPacket>();
        ulong next = 0;
        for (int step = 0; step < 20_000; step++)
        {
            if (random.Next(3) != 0)
            {
                next += (ulong)random.Next(1, 3); // numbers grow, sometimes skipping one
                var p = new SentPacket { PacketNumber = next, Size = 1 };
                space.Add(p);
                reference.Add(next, p);
            }
            else if (reference.Count > 0)
            {
                // Mostly the oldest (acknowledged in order), sometimes any (out of order, lost), sometimes unknown.
                ulong pn = random.Next(4) switch
                {
                    0 => reference.Keys.ElementAt(random.Next(reference.Count)),
                    1 => next + 5,
                    _ => reference.Keys.First(),
                };
                Assert.Equal(reference.Remove(pn), space.Remove(pn));
            }

            Assert.Equal(reference.Count, space.Count);
            if (step % 500 == 0 && reference.Count > 0)
            {
                Assert.Equal(reference.Keys, space.Packets.Select(p => p.PacketNumber));
                ulong lo = reference.Keys.First() + 1, hi = next - 1;
                Assert.Equal(reference.Keys.Where(k => k >= lo && k <= hi), space.Between(lo, hi).Select(p => p.PacketNumber));
                ulong any = reference.Keys.ElementAt(random.Next(reference.Count));
                Assert.Same(reference[any], Assert.Single(space.Between(any, any)));
            }
        }
    }

    [Fact]
    public void Add_RejectsANumberThatDoesNotGrow()
    {
        var space = new PacketSpaceRecovery();
        space.Add(new SentPacket { PacketNumber = 5 });
        Assert.Throws<InvalidOperationException>(() => space.Add(new SentPacket { PacketNumber = 5 }));
        Assert.True(space.Remove(5));
        Assert.Empty(space.Packets);
        Assert.False(space.Remove(5));
    }
}
