namespace MoqLive.Moqt.Wire;

/// <summary>
/// SUBSCRIBE_OK (0x4), first response on a SUBSCRIBE stream (draft-ietf-moq-transport-19 §"SUBSCRIBE_OK"):
/// Track Alias, Parameters, Track Properties (the rest of the body).
/// </summary>
public sealed record SubscribeOk(ulong TrackAlias) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.SubscribeOk;

    public MessageParameters Parameters { get; init; } = MessageParameters.Empty;

    public IReadOnlyList<MoqtKeyValuePair> TrackProperties { get; init; } = [];

    internal override int GetBodyLength(MoqtVersion version) =>
        Vi64.GetEncodedLength(TrackAlias) + Parameters.GetEncodedLength() + KeyValuePairCodec.GetEncodedLength(TrackProperties);

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteVi64(TrackAlias);
        Parameters.Write(ref writer);
        KeyValuePairCodec.Write(ref writer, TrackProperties);
    }

    internal static SubscribeOk ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        ulong alias = reader.ReadVi64();
        MessageParameters parameters = MessageParameters.Read(ref reader, MoqtMessageType.SubscribeOk);
        IReadOnlyList<MoqtKeyValuePair> properties = Wire.TrackProperties.ReadToEnd(ref reader);
        return new SubscribeOk(alias) { Parameters = parameters, TrackProperties = properties };
    }

    public bool Equals(SubscribeOk? other) =>
        other is not null && TrackAlias == other.TrackAlias && Parameters.Equals(other.Parameters) &&
        TrackProperties.SequenceEqual(other.TrackProperties);

    public override int GetHashCode() => TrackAlias.GetHashCode();
}
