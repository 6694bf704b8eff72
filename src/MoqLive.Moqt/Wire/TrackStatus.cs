namespace MoqLive.Moqt.Wire;

/// <summary>
/// TRACK_STATUS (0xD), first and only message of a request stream (draft-ietf-moq-transport-19
/// §"TRACK_STATUS"): same layout as SUBSCRIBE. Answered with REQUEST_OK (TRACK_STATUS_OK) or REQUEST_ERROR.
/// </summary>
public sealed record TrackStatus(ulong RequestId, TrackNamespace TrackNamespace, ReadOnlyMemory<byte> TrackName) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.TrackStatus;

    public MessageParameters Parameters { get; init; } = MessageParameters.Empty;

    internal override int GetBodyLength(MoqtVersion version)
    {
        TrackNamespace.ValidateTrackName(TrackNamespace, TrackName);
        return Vi64.GetEncodedLength(RequestId) + TrackNamespace.GetEncodedLength() +
            WireLimits.LengthPrefixed(TrackName.Length) + Parameters.GetEncodedLength();
    }

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteVi64(RequestId);
        TrackNamespace.Write(ref writer);
        writer.WriteLengthPrefixed(TrackName.Span);
        Parameters.Write(ref writer);
    }

    internal static TrackStatus ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        ulong requestId = reader.ReadVi64();
        TrackNamespace ns = TrackNamespace.Read(ref reader);
        ReadOnlyMemory<byte> name = TrackNamespace.ReadTrackName(ref reader, ns);
        MessageParameters parameters = MessageParameters.Read(ref reader, MoqtMessageType.TrackStatus);
        return new TrackStatus(requestId, ns, name) { Parameters = parameters };
    }

    public bool Equals(TrackStatus? other) =>
        other is not null && RequestId == other.RequestId && TrackNamespace.Equals(other.TrackNamespace) &&
        TrackName.Span.SequenceEqual(other.TrackName.Span) && Parameters.Equals(other.Parameters);

    public override int GetHashCode() => HashCode.Combine(RequestId, TrackNamespace);
}
