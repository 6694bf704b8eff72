using System.Buffers;
using MoqLive.Transport.Encoding;

namespace MoqLive.Http3.Frames;

/// <summary>SETTINGS frame payload codec (RFC 9114 §7.2.4): a sequence of (Identifier (i), Value (i)) pairs.</summary>
internal static class SettingsFrame
{
    /// <summary>
    /// Parses a SETTINGS payload. Unknown and GREASE identifiers are kept (callers ignore what they do not
    /// understand); a duplicate identifier or a reserved HTTP/2 identifier is H3_SETTINGS_ERROR, and a
    /// truncated pair is H3_FRAME_ERROR.
    /// </summary>
    public static Dictionary<ulong, ulong> Parse(in ReadOnlySequence<byte> payload)
    {
        var settings = new Dictionary<ulong, ulong>();
        var reader = new SequenceReader<byte>(payload);
        while (!reader.End)
        {
            if (!QuicVarInt.TryRead(ref reader, out ulong id) || !QuicVarInt.TryRead(ref reader, out ulong value))
                throw new Http3ConnectionErrorException(Http3ErrorCode.FrameError, "The SETTINGS frame ends inside a setting.");

            if (Http3SettingId.IsReservedHttp2Setting(id))
            {
                throw new Http3ConnectionErrorException(Http3ErrorCode.SettingsError,
                    $"SETTINGS carries the reserved HTTP/2 identifier 0x{id:x}.");
            }

            // RFC 9114 §7.2.4: the same identifier MUST NOT occur more than once.
            if (!settings.TryAdd(id, value))
                throw new Http3ConnectionErrorException(Http3ErrorCode.SettingsError, $"SETTINGS repeats identifier 0x{id:x}.");
        }

        return settings;
    }

    /// <summary>Bytes of the payload for <paramref name="settings"/>.</summary>
    public static int GetPayloadLength(IEnumerable<KeyValuePair<ulong, ulong>> settings)
    {
        int length = 0;
        foreach ((ulong id, ulong value) in settings)
            length += QuicVarInt.GetEncodedLength(id) + QuicVarInt.GetEncodedLength(value);
        return length;
    }
}
