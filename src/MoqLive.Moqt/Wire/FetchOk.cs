using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// FETCH_OK (0x18), first response on a FETCH stream (draft-ietf-moq-transport-19 §"FETCH_OK"): End Of Track
/// (8), End Location, Parameters, Track Properties.
/// </summary>
public sealed record FetchOk(bool EndOfTrack, Location EndLocation) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.FetchOk;

    public MessageParameters Parameters { get; init; } = MessageParameters.Empty;

    public IReadOnlyList<MoqtKeyValuePair> TrackProperties { get; init; } = [];

    internal override int GetBodyLength(MoqtVersion version) =>
        1 + WireLimits.Location(EndLocation) + Parameters.GetEncodedLength() + KeyValuePairCodec.GetEncodedLength(TrackProperties);

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteByte(EndOfTrack ? (byte)1 : (byte)0);
        writer.WriteLocation(EndLocation);
        Parameters.Write(ref writer);
        KeyValuePairCodec.Write(ref writer, TrackProperties);
    }

    internal static FetchOk ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        bool endOfTrack = reader.ReadByte() switch
        {
            0 => false,
            1 => true,
            var v => ThrowHelper.ProtocolViolation<bool>($"End Of Track {v} is not 0 or 1"),
        };
        Location end = reader.ReadLocation();
        MessageParameters parameters = MessageParameters.Read(ref reader, MoqtMessageType.FetchOk);
        IReadOnlyList<MoqtKeyValuePair> properties = Wire.TrackProperties.ReadToEnd(ref reader);
        return new FetchOk(endOfTrack, end) { Parameters = parameters, TrackProperties = properties };
    }

    public bool Equals(FetchOk? other) =>
        other is not null && EndOfTrack == other.EndOfTrack && EndLocation == other.EndLocation &&
        Parameters.Equals(other.Parameters) && TrackProperties.SequenceEqual(other.TrackProperties);

    public override int GetHashCode() => HashCode.Combine(EndOfTrack, EndLocation);
}
