namespace MoqLive.Moqt.Wire;

/// <summary>
/// SUBSCRIBE_NAMESPACE (0x50), first message of a request stream (draft-ietf-moq-transport-19
/// §"SUBSCRIBE_NAMESPACE"): Request ID, Track Namespace Prefix (0–32 fields), Parameters. Answered with
/// REQUEST_OK or REQUEST_ERROR, then NAMESPACE / NAMESPACE_DONE messages on the same stream.
/// </summary>
public sealed record SubscribeNamespace(ulong RequestId, TrackNamespace TrackNamespacePrefix) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.SubscribeNamespace;

    public MessageParameters Parameters { get; init; } = MessageParameters.Empty;

    internal override int GetBodyLength(MoqtVersion version) =>
        Vi64.GetEncodedLength(RequestId) + TrackNamespacePrefix.GetEncodedLength() + Parameters.GetEncodedLength();

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteVi64(RequestId);
        TrackNamespacePrefix.Write(ref writer);
        Parameters.Write(ref writer);
    }

    internal static SubscribeNamespace ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        ulong requestId = reader.ReadVi64();
        TrackNamespace ns = TrackNamespace.Read(ref reader);
        MessageParameters parameters = MessageParameters.Read(ref reader, MoqtMessageType.SubscribeNamespace);
        return new SubscribeNamespace(requestId, ns) { Parameters = parameters };
    }

    public bool Equals(SubscribeNamespace? other) =>
        other is not null && RequestId == other.RequestId && TrackNamespacePrefix.Equals(other.TrackNamespacePrefix) && Parameters.Equals(other.Parameters);

    public override int GetHashCode() => HashCode.Combine(RequestId, TrackNamespacePrefix);
}
