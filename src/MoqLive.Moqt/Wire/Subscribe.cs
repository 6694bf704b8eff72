namespace MoqLive.Moqt.Wire;

/// <summary>
/// SUBSCRIBE (0x3), first message of a request stream (draft-ietf-moq-transport-19 §"SUBSCRIBE"): Request ID,
/// Track Namespace, Track Name, Parameters. Filters, priority, group order and forward state are parameters.
/// </summary>
public sealed record Subscribe(ulong RequestId, TrackNamespace TrackNamespace, ReadOnlyMemory<byte> TrackName) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.Subscribe;

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

    internal static Subscribe ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        ulong requestId = reader.ReadVi64();
        TrackNamespace ns = TrackNamespace.Read(ref reader);
        ReadOnlyMemory<byte> name = TrackNamespace.ReadTrackName(ref reader, ns);
        MessageParameters parameters = MessageParameters.Read(ref reader, MoqtMessageType.Subscribe);
        return new Subscribe(requestId, ns, name) { Parameters = parameters };
    }

    public bool Equals(Subscribe? other) =>
        other is not null && RequestId == other.RequestId && TrackNamespace.Equals(other.TrackNamespace) &&
        TrackName.Span.SequenceEqual(other.TrackName.Span) && Parameters.Equals(other.Parameters);

    public override int GetHashCode() => HashCode.Combine(RequestId, TrackNamespace);
}
