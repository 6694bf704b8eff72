namespace MoqLive.Moqt.Wire;

/// <summary>
/// A Location {Group, Object} (draft-ietf-moq-transport-19 §"Location Structure"), ordered by group then object.
/// </summary>
public readonly record struct Location(ulong Group, ulong Object) : IComparable<Location>
{
    public int CompareTo(Location other)
    {
        int byGroup = Group.CompareTo(other.Group);
        return byGroup != 0 ? byGroup : Object.CompareTo(other.Object);
    }

    public static bool operator <(Location left, Location right) => left.CompareTo(right) < 0;

    public static bool operator >(Location left, Location right) => left.CompareTo(right) > 0;

    public static bool operator <=(Location left, Location right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Location left, Location right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{{{Group}, {Object}}}";
}
