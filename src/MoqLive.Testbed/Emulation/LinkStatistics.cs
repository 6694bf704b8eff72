namespace MoqLive.Testbed.Emulation;

/// <summary>Counters of a <see cref="LinkEmulator"/> since it was created.</summary>
public sealed class LinkStatistics
{
    public long PacketsEnqueued { get; internal set; }

    public long PacketsDelivered { get; internal set; }

    public long BytesDelivered { get; internal set; }

    public long PacketsDroppedLoss { get; internal set; }

    public long PacketsDroppedQueueFull { get; internal set; }

    public long PacketsDroppedInFlightLimit { get; internal set; }
}
