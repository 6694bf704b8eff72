namespace MoqLive.Moqt.Wire;

/// <summary>
/// NAMESPACE_DONE (0xE), sent on a SUBSCRIBE_NAMESPACE response stream (draft-ietf-moq-transport-19
/// §"NAMESPACE_DONE"): the Track Namespace Suffix that is no longer published.
/// </summary>
public sealed record NamespaceDone(TrackNamespace TrackNamespaceSuffix) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.NamespaceDone;

    internal override int GetBodyLength(MoqtVersion version) => TrackNamespaceSuffix.GetEncodedLength();

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version) => TrackNamespaceSuffix.Write(ref writer);

    internal static NamespaceDone ReadBody(ref MoqtBodyReader reader, MoqtVersion version) => new(TrackNamespace.Read(ref reader));
}
