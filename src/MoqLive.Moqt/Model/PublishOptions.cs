namespace MoqLive.Moqt.Model;

/// <summary>PUBLISH parameters (draft-ietf-moq-transport-19 §"PUBLISH"). Immutable.</summary>
public sealed record PublishOptions
{
    /// <summary>Forward on, no token.</summary>
    public static PublishOptions Default { get; } = new();

    /// <summary>FORWARD (0x10): whether objects flow before the subscriber asks. Default true.</summary>
    public bool Forward { get; init; } = true;

    /// <summary>AUTHORIZATION TOKEN (0x03) value bytes, or empty.</summary>
    public ReadOnlyMemory<byte> AuthorizationToken { get; init; }
}
