using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Tests.Model;

public sealed class PriorityMappingTests
{
    private static bool SentFirst(MoqLive.Transport.StreamPriority a, MoqLive.Transport.StreamPriority b)
        => a.Urgency < b.Urgency || (a.Urgency == b.Urgency && a.Order < b.Order);

    [Fact]
    public void ForSubgroup_SubscriberPriorityBeatsPublisherPriority()
    {
        var a = PriorityMapping.ForSubgroup(1, 255, GroupOrder.Ascending, 9, 0);
        var b = PriorityMapping.ForSubgroup(2, 0, GroupOrder.Ascending, 0, 0);
        Assert.True(SentFirst(a, b));
    }

    [Fact]
    public void ForSubgroup_PublisherPriorityBeatsGroupOrder()
    {
        var a = PriorityMapping.ForSubgroup(128, 10, GroupOrder.Ascending, 9, 0);
        var b = PriorityMapping.ForSubgroup(128, 20, GroupOrder.Ascending, 0, 0);
        Assert.True(SentFirst(a, b));
    }

    [Theory]
    [InlineData(GroupOrder.Ascending, true)]
    [InlineData(GroupOrder.Descending, false)]
    public void ForSubgroup_GroupOrderDecidesBetweenGroups(GroupOrder order, bool olderFirst)
    {
        var older = PriorityMapping.ForSubgroup(128, 128, order, 5, 3);
        var newer = PriorityMapping.ForSubgroup(128, 128, order, 6, 0);
        Assert.Equal(olderFirst, SentFirst(older, newer));
    }

    [Fact]
    public void ForSubgroup_LowerSubgroupFirstWithinGroup()
    {
        Assert.True(SentFirst(PriorityMapping.ForSubgroup(128, 128, GroupOrder.Descending, 5, 0), PriorityMapping.ForSubgroup(128, 128, GroupOrder.Descending, 5, 1)));
    }

    [Fact]
    public void ForSubgroup_HugeGroupIds_DoNotOverflow()
    {
        var p = PriorityMapping.ForSubgroup(0, 0, GroupOrder.Ascending, ulong.MaxValue, ulong.MaxValue);
        Assert.True(p.Order > 0);
    }
}
