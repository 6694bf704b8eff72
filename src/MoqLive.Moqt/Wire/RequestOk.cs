namespace MoqLive.Moqt.Wire;

/// <summary>
/// REQUEST_OK (0x7) (draft-ietf-moq-transport-19 §"REQUEST_OK"): Parameters, Track Properties. Answers PUBLISH
/// (PUBLISH_OK), REQUEST_UPDATE, TRACK_STATUS, SUBSCRIBE_NAMESPACE, SUBSCRIBE_TRACKS and PUBLISH_NAMESPACE.
/// Track Properties are only allowed in TRACK_STATUS_OK; the session enforces that, since the codec cannot
/// know which request a REQUEST_OK answers.
/// </summary>
public sealed record RequestOk : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.RequestOk;

    public MessageParameters Parameters { get; init; } = MessageParameters.Empty;

    public IReadOnlyList<MoqtKeyValuePair> TrackProperties { get; init; } = [];

    internal override int GetBodyLength(MoqtVersion version) =>
        Parameters.GetEncodedLength() + KeyValuePairCodec.GetEncodedLength(TrackProperties);

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        Parameters.Write(ref writer);
        KeyValuePairCodec.Write(ref writer, TrackProperties);
    }

    internal static RequestOk ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        MessageParameters parameters = MessageParameters.Read(ref reader, MoqtMessageType.RequestOk);
        return new RequestOk { Parameters = parameters, TrackProperties = Wire.TrackProperties.ReadToEnd(ref reader) };
    }

    public bool Equals(RequestOk? other) =>
        other is not null && Parameters.Equals(other.Parameters) && TrackProperties.SequenceEqual(other.TrackProperties);

    public override int GetHashCode() => Parameters.GetHashCode();
}
