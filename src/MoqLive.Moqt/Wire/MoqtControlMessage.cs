namespace MoqLive.Moqt.Wire;

/// <summary>
/// A control message (draft-ietf-moq-transport-19 §"Control Messages"): framed as Message Type (vi64),
/// Message Length (16), Message Body. Each concrete message lives in its own file; framing is in
/// <see cref="ControlMessageCodec"/>.
/// </summary>
public abstract record MoqtControlMessage
{
    /// <summary>The Message Type on the wire.</summary>
    public abstract MoqtMessageType Type { get; }

    /// <summary>Length of the Message Body in <paramref name="version"/>.</summary>
    internal abstract int GetBodyLength(MoqtVersion version);

    /// <summary>Writes the Message Body; the span has exactly <see cref="GetBodyLength"/> bytes.</summary>
    internal abstract void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version);
}
