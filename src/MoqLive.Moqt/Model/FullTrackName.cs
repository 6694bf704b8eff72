using System.Text;

namespace MoqLive.Moqt.Model;

/// <summary>
/// Full Track Name = Track Namespace + Track Name (draft-ietf-moq-transport-19 §"Track Naming"). Unique within a
/// scope, so it is the cache key for a track. Immutable; compared byte by byte.
/// </summary>
public sealed class FullTrackName : IEquatable<FullTrackName>
{
    private readonly byte[] _name;
    private readonly int _hash;

    private FullTrackName(TrackNamespace trackNamespace, byte[] name)
    {
        if (trackNamespace.Length + name.Length > TrackNamespace.MaxLength)
            throw new ArgumentException($"A full track name is at most {TrackNamespace.MaxLength} bytes.", nameof(name));
        Namespace = trackNamespace;
        _name = name;
        var hash = new HashCode();
        hash.Add(trackNamespace);
        hash.AddBytes(name);
        _hash = hash.ToHashCode();
    }

    /// <summary>The track namespace.</summary>
    public TrackNamespace Namespace { get; }

    /// <summary>The track name bytes (possibly empty). Owned by this instance; never changes.</summary>
    public ReadOnlyMemory<byte> Name => _name;

    /// <summary>Creates a full track name; <paramref name="name"/> is copied.</summary>
    public static FullTrackName Create(TrackNamespace trackNamespace, ReadOnlySpan<byte> name)
    {
        ArgumentNullException.ThrowIfNull(trackNamespace);
        return new FullTrackName(trackNamespace, name.ToArray());
    }

    /// <summary>Creates a full track name with a UTF-8 track name.</summary>
    public static FullTrackName Create(TrackNamespace trackNamespace, string name)
    {
        ArgumentNullException.ThrowIfNull(trackNamespace);
        ArgumentNullException.ThrowIfNull(name);
        return new FullTrackName(trackNamespace, Encoding.UTF8.GetBytes(name));
    }

    /// <inheritdoc />
    public bool Equals(FullTrackName? other)
        => ReferenceEquals(this, other)
           || (other is not null && other._hash == _hash && Namespace.Equals(other.Namespace) && _name.AsSpan().SequenceEqual(other._name));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FullTrackName);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>Safe rendering: namespace, "--", track name (§"Representing Namespace and Track Names").</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Namespace.ToString());
        sb.Append("--");
        TrackNamespace.AppendSafe(sb, _name);
        return sb.ToString();
    }
}
