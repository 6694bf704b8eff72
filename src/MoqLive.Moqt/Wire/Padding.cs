namespace MoqLive.Moqt.Wire;

/// <summary>
/// PADDING streams (0x132B3E28) and datagrams (0x132B3E29) (draft-ietf-moq-transport-19 §"Padding"): the type
/// followed by zero bytes. Receivers discard them.
/// </summary>
public static class Padding
{
    /// <summary>Writes a padding stream's type; zero bytes follow. Returns the bytes written.</summary>
    public static int WriteStreamHeader(Span<byte> destination) => Vi64.Write(destination, MoqtStreamType.PaddingStream);

    /// <summary>A padding datagram of <paramref name="totalLength"/> bytes (at least the type's 4 bytes).</summary>
    public static byte[] CreateDatagram(int totalLength)
    {
        int typeLength = Vi64.GetEncodedLength(MoqtStreamType.PaddingDatagram);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalLength, typeLength);
        var bytes = new byte[totalLength];
        Vi64.Write(bytes, MoqtStreamType.PaddingDatagram);
        return bytes;
    }
}
