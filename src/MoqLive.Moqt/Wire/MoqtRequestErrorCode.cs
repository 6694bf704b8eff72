namespace MoqLive.Moqt.Wire;

/// <summary>REQUEST_ERROR codes (draft-ietf-moq-transport-19 §"REQUEST_ERROR", IANA §"REQUEST_ERROR Codes"). Unknown codes are treated as <see cref="InternalError"/>.</summary>
public enum MoqtRequestErrorCode : ulong
{
    InternalError = 0x0,
    Unauthorized = 0x1,
    Timeout = 0x2,
    NotSupported = 0x3,
    MalformedAuthToken = 0x4,
    ExpiredAuthToken = 0x5,
    GoingAway = 0x6,
    ExcessiveLoad = 0x9,
    DoesNotExist = 0x10,
    InvalidRange = 0x11,
    MalformedTrack = 0x12,
    Uninterested = 0x20,
    PrefixOverlap = 0x30,
    NamespaceTooLarge = 0x31,
    InvalidJoiningRequestId = 0x32,
    UnsupportedExtension = 0x33,
    Redirect = 0x34,
    ConflictingFilters = 0x35,
    InvalidFilter = 0x36,
}
