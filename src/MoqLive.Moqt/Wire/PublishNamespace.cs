namespace MoqLive.Moqt.Wire;

/// <summary>
/// PUBLISH_NAMESPACE (0x6), first message of a request stream (draft-ietf-moq-transport-19
/// §"PUBLISH_NAMESPACE"): Request ID, Track Namespace, Parameters. Answered with REQUEST_OK or REQUEST_ERROR.
/// </summary>
public sealed record PublishNamespace(ulong RequestId, TrackNamespace TrackNamespace) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.PublishNamespace;

    public MessageParameters Parameters { get; init; } = MessageParameters.Empty;

    internal override int GetBodyLength(MoqtVersion version) =>
        Vi64.GetEncodedLength(RequestId) + TrackNamespace.GetEncodedLength() + Parameters.GetEncodedLength();

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteVi64(RequestId);
        TrackNamespace.Write(ref writer);
        Parameters.Write(ref writer);
    }

    internal static PublishNamespace ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        ulong requestId = reader.ReadVi64();
        TrackNamespace ns = TrackNamespace.Read(ref reader);
        MessageParameters parameters = MessageParameters.Read(ref reader, MoqtMessageType.PublishNamespace);
        return new PublishNamespace(requestId, ns) { Parameters = parameters };
    }

    public bool Equals(PublishNamespace? other) =>
        other is not null && RequestId == other.RequestId && TrackNamespace.Equals(other.TrackNamespace) && Parameters.Equals(other.Parameters);

    public override int GetHashCode() => HashCode.Combine(RequestId, TrackNamespace);
}
