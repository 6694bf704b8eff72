namespace MoqLive.Moqt.Wire;

/// <summary>
/// NAMESPACE (0x8), sent on a SUBSCRIBE_NAMESPACE response stream (draft-ietf-moq-transport-19
/// §"NAMESPACE"): the Track Namespace Suffix after the subscribed prefix.
/// </summary>
public sealed record Namespace(TrackNamespace TrackNamespaceSuffix) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.Namespace;

    internal override int GetBodyLength(MoqtVersion version) => TrackNamespaceSuffix.GetEncodedLength();

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version) => TrackNamespaceSuffix.Write(ref writer);

    internal static Namespace ReadBody(ref MoqtBodyReader reader, MoqtVersion version) => new(TrackNamespace.Read(ref reader));
}
