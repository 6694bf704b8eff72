namespace MoqLive.Quic.TransportParameters;

/// <summary>Transport parameter IDs (RFC 9000 §18.2, RFC 9221 §3, RFC 9287 §3, draft-ietf-quic-ack-frequency-11 §3,
/// draft-ietf-quic-reliable-stream-reset §3).</summary>
internal enum TransportParameterId : ulong
{
    OriginalDestinationConnectionId = 0x00,
    MaxIdleTimeout = 0x01,
    StatelessResetToken = 0x02,
    MaxUdpPayloadSize = 0x03,
    InitialMaxData = 0x04,
    InitialMaxStreamDataBidiLocal = 0x05,
    InitialMaxStreamDataBidiRemote = 0x06,
    InitialMaxStreamDataUni = 0x07,
    InitialMaxStreamsBidi = 0x08,
    InitialMaxStreamsUni = 0x09,
    AckDelayExponent = 0x0a,
    MaxAckDelay = 0x0b,
    DisableActiveMigration = 0x0c,
    PreferredAddress = 0x0d,
    ActiveConnectionIdLimit = 0x0e,
    InitialSourceConnectionId = 0x0f,
    RetrySourceConnectionId = 0x10,
    ResetStreamAt = 0x1d,
    MaxDatagramFrameSize = 0x20,
    GreaseQuicBit = 0x2ab2,
    MinAckDelay = 0xff04de1b,
}
