namespace MoqLive.Moqt.Model;

/// <summary>
/// A position in a track: {Group, Object} (draft-ietf-moq-transport-19 §"Location Structure").
/// Ordered by group, then object.
/// </summary>
public readonly record struct Location(ulong Group, ulong Object) : IComparable<Location>
{
    /// <summary>{0, 0}: the first possible location.</summary>
    public static Location Zero => default;

    /// <inheritdoc />
    public int CompareTo(Location other)
        => Group != other.Group ? Group.CompareTo(other.Group) : Object.CompareTo(other.Object);

    public static bool operator <(Location left, Location right) => left.CompareTo(right) < 0;

    public static bool operator >(Location left, Location right) => left.CompareTo(right) > 0;

    public static bool operator <=(Location left, Location right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Location left, Location right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => $"{{{Group}, {Object}}}";
}
