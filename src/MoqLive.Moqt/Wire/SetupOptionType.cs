namespace MoqLive.Moqt.Wire;

/// <summary>Setup Option types (draft-ietf-moq-transport-19 §"Setup Options", IANA table). Unknown options are ignored.</summary>
public enum SetupOptionType : ulong
{
    Path = 0x01,
    AuthorizationToken = 0x03,
    MaxAuthTokenCacheSize = 0x04,
    Authority = 0x05,
    MaxFilterRanges = 0x06,
    MoqtImplementation = 0x07,
    MaxRequestUpdates = 0x08,
}
