namespace MoqLive.Moqt.Wire;

/// <summary>
/// SUBSCRIBE_TRACKS (0x51), first message of a request stream (draft-ietf-moq-transport-19
/// §"SUBSCRIBE_TRACKS"): Request ID, Track Namespace Prefix, Parameters. Answered with REQUEST_OK or
/// REQUEST_ERROR, then PUBLISH_SKIPPED messages; matching tracks arrive as PUBLISH on new streams.
/// </summary>
public sealed record SubscribeTracks(ulong RequestId, TrackNamespace TrackNamespacePrefix) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.SubscribeTracks;

    public MessageParameters Parameters { get; init; } = MessageParameters.Empty;

    internal override int GetBodyLength(MoqtVersion version) =>
        Vi64.GetEncodedLength(RequestId) + TrackNamespacePrefix.GetEncodedLength() + Parameters.GetEncodedLength();

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteVi64(RequestId);
        TrackNamespacePrefix.Write(ref writer);
        Parameters.Write(ref writer);
    }

    internal static SubscribeTracks ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        ulong requestId = reader.ReadVi64();
        TrackNamespace ns = TrackNamespace.Read(ref reader);
        MessageParameters parameters = MessageParameters.Read(ref reader, MoqtMessageType.SubscribeTracks);
        return new SubscribeTracks(requestId, ns) { Parameters = parameters };
    }

    public bool Equals(SubscribeTracks? other) =>
        other is not null && RequestId == other.RequestId && TrackNamespacePrefix.Equals(other.TrackNamespacePrefix) && Parameters.Equals(other.Parameters);

    public override int GetHashCode() => HashCode.Combine(RequestId, TrackNamespacePrefix);
}
