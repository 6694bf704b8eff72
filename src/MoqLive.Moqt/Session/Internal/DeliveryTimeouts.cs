using MoqLive.Moqt.Model;
using W = MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Session.Internal;

/// <summary>
/// draft-19 §"Delivery Timeouts and Data Reliability": which OBJECT_DELIVERY_TIMEOUT and SUBGROUP_DELIVERY_TIMEOUT
/// apply to a subgroup, and whether an object has outlived its timeout. Zero means "no timeout" throughout.
/// </summary>
internal static class DeliveryTimeouts
{
    /// <summary>Longest timeout taken from the wire (about 139 years): larger values mean "never" just as well.</summary>
    private const ulong MaxMilliseconds = 1UL << 42;

    /// <summary>A timeout in milliseconds from the wire; 0 stays zero ("no timeout").</summary>
    public static TimeSpan FromWire(ulong milliseconds) => TimeSpan.FromMilliseconds(Math.Min(milliseconds, MaxMilliseconds));

    /// <summary>Null → null (parameter absent); otherwise whole milliseconds, rounded up so a short timeout never becomes "none".</summary>
    public static ulong? ToWire(TimeSpan? timeout) => timeout is { } t ? (ulong)Math.Ceiling(Math.Max(0, t.TotalMilliseconds)) : null;

    /// <summary>"If both the publisher's value and the subscriber's value are non-zero, the smaller of the two is used."</summary>
    public static TimeSpan Combine(TimeSpan subscriber, TimeSpan publisher)
    {
        if (subscriber <= TimeSpan.Zero)
            return publisher;
        return publisher <= TimeSpan.Zero ? subscriber : TimeSpan.FromTicks(Math.Min(subscriber.Ticks, publisher.Ticks));
    }

    /// <summary>
    /// The publisher's value of the timeout property <paramref name="type"/> for a subgroup: the Object Property of the
    /// subgroup's first object when present (<paramref name="firstObject"/>, null when the subgroup is joined midway), else
    /// the Track Property.
    /// </summary>
    public static TimeSpan PublisherValue(ulong type, TrackInfo track, MoqtObject? firstObject)
    {
        if (firstObject is not null && firstObject.Properties.TryGet(type, out MoqtProperty own) && !own.IsBytes)
            return FromWire(own.IntValue);
        return track.Properties.TryGet(type, out MoqtProperty trackValue) && !trackValue.IsBytes ? FromWire(trackValue.IntValue) : TimeSpan.Zero;
    }

    /// <summary>The publisher's OBJECT_DELIVERY_TIMEOUT for a subgroup (see <see cref="PublisherValue"/>).</summary>
    public static TimeSpan PublisherObjectTimeout(TrackInfo track, MoqtObject? firstObject) =>
        PublisherValue(W.MoqtPropertyType.ObjectDeliveryTimeout, track, firstObject);

    /// <summary>The publisher's SUBGROUP_DELIVERY_TIMEOUT for a subgroup (see <see cref="PublisherValue"/>).</summary>
    public static TimeSpan PublisherSubgroupTimeout(TrackInfo track, MoqtObject? firstObject) =>
        PublisherValue(W.MoqtPropertyType.SubgroupDeliveryTimeout, track, firstObject);

    /// <summary>True when more than <paramref name="timeout"/> (non-zero) has passed since the object reached this process.</summary>
    public static bool IsExpired(MoqtObject obj, TimeSpan timeout, TimeProvider time) =>
        timeout > TimeSpan.Zero && obj.ReceivedTimestamp is { } received && time.GetElapsedTime(received) > timeout;
}
