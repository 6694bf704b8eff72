namespace MoqLive.Moqt.Wire;

/// <summary>
/// PUBLISH_SKIPPED (0xF), sent on a SUBSCRIBE_TRACKS response stream (draft-ietf-moq-transport-19
/// §"PUBLISH_SKIPPED"): Track Namespace Suffix, Track Name of a track that will not get a PUBLISH.
/// </summary>
public sealed record PublishSkipped(TrackNamespace TrackNamespaceSuffix, ReadOnlyMemory<byte> TrackName) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.PublishSkipped;

    internal override int GetBodyLength(MoqtVersion version)
    {
        TrackNamespace.ValidateTrackName(TrackNamespaceSuffix, TrackName);
        return TrackNamespaceSuffix.GetEncodedLength() + WireLimits.LengthPrefixed(TrackName.Length);
    }

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        TrackNamespaceSuffix.Write(ref writer);
        writer.WriteLengthPrefixed(TrackName.Span);
    }

    internal static PublishSkipped ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        TrackNamespace ns = TrackNamespace.Read(ref reader);
        return new PublishSkipped(ns, TrackNamespace.ReadTrackName(ref reader, ns));
    }

    public bool Equals(PublishSkipped? other) =>
        other is not null && TrackNamespaceSuffix.Equals(other.TrackNamespaceSuffix) && TrackName.Span.SequenceEqual(other.TrackName.Span);

    public override int GetHashCode() => TrackNamespaceSuffix.GetHashCode();
}
