using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>NEW_CONNECTION_ID (RFC 9000 §19.15).</summary>
internal readonly record struct NewConnectionIdFrame(
    ulong SequenceNumber, ulong RetirePriorTo, ConnectionId ConnectionId, StatelessResetToken StatelessResetToken)
{
    public int GetEncodedLength() =>
        1 + VarIntLength(SequenceNumber) + VarIntLength(RetirePriorTo) + 1 + ConnectionId.Length + StatelessResetToken.Length;

    public int Write(Span<byte> destination)
    {
        int offset = WriteVarInt(destination, 0, (ulong)FrameType.NewConnectionId);
        offset = WriteVarInt(destination, offset, SequenceNumber);
        offset = WriteVarInt(destination, offset, RetirePriorTo);
        destination[offset++] = (byte)ConnectionId.Length;
        offset += ConnectionId.CopyTo(destination[offset..]);
        return WriteBytes(destination, offset, StatelessResetToken.Span);
    }

    internal static NewConnectionIdFrame Decode(scoped ref FrameFieldReader reader)
    {
        ulong sequence = reader.ReadVarInt();
        ulong retirePriorTo = reader.ReadVarInt();
        int length = reader.ReadByte();
        // RFC 9000 §19.15: length outside 1..20 and Retire Prior To > Sequence Number are FRAME_ENCODING_ERRORs.
        if (length is < 1 or > ConnectionId.MaxLength)
            throw reader.Error($"NEW_CONNECTION_ID length {length} outside 1..20.");
        if (retirePriorTo > sequence)
            throw reader.Error("NEW_CONNECTION_ID Retire Prior To exceeds Sequence Number.");
        var connectionId = new ConnectionId(reader.ReadBytes(length));
        var token = new StatelessResetToken(reader.ReadBytes(StatelessResetToken.Length));
        return new NewConnectionIdFrame(sequence, retirePriorTo, connectionId, token);
    }
}
