using System.Text;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// GOAWAY (0x10) (draft-ietf-moq-transport-19 §"GOAWAY"): New Session URI (vi64 length, at most 8192 bytes),
/// Timeout (vi64, ms). Sent on the control stream or on a request stream.
/// </summary>
public sealed record GoAway(string NewSessionUri, ulong Timeout) : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.GoAway;

    internal override int GetBodyLength(MoqtVersion version)
    {
        int uriLength = Encoding.UTF8.GetByteCount(NewSessionUri);
        if (uriLength > WireLimits.MaxGoAwayUriLength)
            throw new ArgumentException("The New Session URI is at most 8192 bytes.");
        return WireLimits.LengthPrefixed(uriLength) + Vi64.GetEncodedLength(Timeout);
    }

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version)
    {
        writer.WriteLengthPrefixed(Encoding.UTF8.GetBytes(NewSessionUri));
        writer.WriteVi64(Timeout);
    }

    internal static GoAway ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        string uri = Encoding.UTF8.GetString(reader.ReadLengthPrefixed(WireLimits.MaxGoAwayUriLength, "New Session URI"));
        ulong timeout = reader.ReadVi64();
        return new GoAway(uri, timeout);
    }
}
