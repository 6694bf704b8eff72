namespace MoqLive.Moqt.Wire;

/// <summary>
/// PUBLISH (0x1D), first message of a publisher-opened request stream (draft-ietf-moq-transport-19
/// §"PUBLISH"): Request ID, Track Namespace, Track Name, Track Alias, Parameters, Track Properties.
/// </summary>
public sealed record Publish(ulong RequestId, TrackNamespace TrackNamespace, ReadOnlyMemory<byte> TrackName, ulong TrackAlias) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.Publish;

    public MessageParameters Parameters { get; init; } = MessageParameters.Empty;

    public IReadOnlyList<MoqtKeyValuePair> TrackProperties { get; init; } = [];

    internal override int GetBodyLength(MoqtVersion version)
    {
        TrackNamespace.ValidateTrackName(TrackNamespace, TrackName);
        return Vi64.GetEncodedLength(RequestId) + TrackNamespace.GetEncodedLength() + WireLimits.LengthPrefixed(TrackName.Length) +
            Vi64.GetEncodedLength(TrackAlias) + Parameters.GetEncodedLength() + KeyValuePairCodec.GetEncodedLength(TrackProperties);
    }

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteVi64(RequestId);
        TrackNamespace.Write(ref writer);
        writer.WriteLengthPrefixed(TrackName.Span);
        writer.WriteVi64(TrackAlias);
        Parameters.Write(ref writer);
        KeyValuePairCodec.Write(ref writer, TrackProperties);
    }

    internal static Publish ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        ulong requestId = reader.ReadVi64();
        TrackNamespace ns = TrackNamespace.Read(ref reader);
        ReadOnlyMemory<byte> name = TrackNamespace.ReadTrackName(ref reader, ns);
        ulong alias = reader.ReadVi64();
        MessageParameters parameters = MessageParameters.Read(ref reader, MoqtMessageType.Publish);
        IReadOnlyList<MoqtKeyValuePair> properties = Wire.TrackProperties.ReadToEnd(ref reader);
        return new Publish(requestId, ns, name, alias) { Parameters = parameters, TrackProperties = properties };
    }

    public bool Equals(Publish? other) =>
        other is not null && RequestId == other.RequestId && TrackNamespace.Equals(other.TrackNamespace) &&
        TrackName.Span.SequenceEqual(other.TrackName.Span) && TrackAlias == other.TrackAlias &&
        Parameters.Equals(other.Parameters) && TrackProperties.SequenceEqual(other.TrackProperties);

    public override int GetHashCode() => HashCode.Combine(RequestId, TrackAlias);
}
