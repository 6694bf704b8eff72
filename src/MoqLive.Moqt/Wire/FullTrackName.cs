using System.Text;

namespace MoqLive.Moqt.Wire;

/// <summary>A Full Track Name: Track Namespace + Track Name (draft-ietf-moq-transport-19 §"Track Naming"). Compared by bytes.</summary>
public sealed class FullTrackName : IEquatable<FullTrackName>
{
    public FullTrackName(TrackNamespace trackNamespace, ReadOnlyMemory<byte> name)
    {
        TrackNamespace.ValidateTrackName(trackNamespace, name);
        Namespace = trackNamespace;
        Name = name.ToArray();
    }

    public FullTrackName(TrackNamespace trackNamespace, string name)
        : this(trackNamespace, Encoding.UTF8.GetBytes(name))
    {
    }

    public TrackNamespace Namespace { get; }

    public ReadOnlyMemory<byte> Name { get; }

    public bool Equals(FullTrackName? other) =>
        other is not null && Namespace.Equals(other.Namespace) && Name.Span.SequenceEqual(other.Name.Span);

    public override bool Equals(object? obj) => Equals(obj as FullTrackName);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Namespace);
        hash.AddBytes(Name.Span);
        return hash.ToHashCode();
    }

    /// <summary>Namespace and name joined by "--" (draft-19 §"Representing Namespace and Track Names").</summary>
    public override string ToString() => $"{Namespace}--{TrackNamespace.RenderName(Name.Span)}";
}
