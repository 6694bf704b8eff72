using static MoqLive.Quic.Frames.FrameWriting;

namespace MoqLive.Quic.Frames;

/// <summary>NEW_TOKEN (RFC 9000 §19.7): a token for the Initial packets of a future connection. Server to client only.</summary>
internal readonly ref struct NewTokenFrame
{
    public NewTokenFrame(ReadOnlySpan<byte> token)
    {
        Token = token;
    }

    /// <summary>The opaque token (never empty on the wire); a slice of the packet.</summary>
    public ReadOnlySpan<byte> Token { get; }

    public int GetEncodedLength() => 1 + VarIntLength((ulong)Token.Length) + Token.Length;

    public int Write(Span<byte> destination)
    {
        int offset = WriteVarInt(destination, 0, (ulong)FrameType.NewToken);
        offset = WriteVarInt(destination, offset, (ulong)Token.Length);
        return WriteBytes(destination, offset, Token);
    }

    internal static NewTokenFrame Decode(scoped ref FrameFieldReader reader)
    {
        ReadOnlySpan<byte> token = reader.ReadLengthPrefixed();
        // RFC 9000 §19.7: an empty token is a FRAME_ENCODING_ERROR.
        if (token.IsEmpty)
            throw reader.Error("Empty NEW_TOKEN token.");
        return new NewTokenFrame(token);
    }
}
