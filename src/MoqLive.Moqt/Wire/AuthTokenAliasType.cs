namespace MoqLive.Moqt.Wire;

/// <summary>Authorization Token Alias Types (draft-ietf-moq-transport-19 §"AUTHORIZATION TOKEN Parameter").</summary>
public enum AuthTokenAliasType : ulong
{
    /// <summary>Alias only: retire the alias.</summary>
    Delete = 0x0,

    /// <summary>Alias, type and value: register the alias.</summary>
    Register = 0x1,

    /// <summary>Alias only: use the token registered under it.</summary>
    UseAlias = 0x2,

    /// <summary>Type and value, no alias.</summary>
    UseValue = 0x3,
}
