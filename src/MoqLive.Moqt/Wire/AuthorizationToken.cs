namespace MoqLive.Moqt.Wire;

/// <summary>
/// The Token structure carried by the AUTHORIZATION_TOKEN parameter and Setup Option (draft-19
/// §"AUTHORIZATION TOKEN Parameter"): Alias Type, [Token Alias], [Token Type], [Token Value].
/// </summary>
public sealed record AuthorizationToken
{
    private AuthorizationToken(AuthTokenAliasType aliasType, ulong? alias, ulong? tokenType, ReadOnlyMemory<byte> value)
    {
        AliasType = aliasType;
        Alias = alias;
        TokenType = tokenType;
        Value = value;
    }

    public AuthTokenAliasType AliasType { get; }

    /// <summary>Present for DELETE, REGISTER and USE_ALIAS.</summary>
    public ulong? Alias { get; }

    /// <summary>Present for REGISTER and USE_VALUE.</summary>
    public ulong? TokenType { get; }

    /// <summary>The token bytes for REGISTER and USE_VALUE (empty otherwise).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    public static AuthorizationToken Delete(ulong alias) => new(AuthTokenAliasType.Delete, alias, null, ReadOnlyMemory<byte>.Empty);

    public static AuthorizationToken Register(ulong alias, ulong tokenType, ReadOnlyMemory<byte> value) =>
        new(AuthTokenAliasType.Register, alias, tokenType, value.ToArray());

    public static AuthorizationToken UseAlias(ulong alias) => new(AuthTokenAliasType.UseAlias, alias, null, ReadOnlyMemory<byte>.Empty);

    public static AuthorizationToken UseValue(ulong tokenType, ReadOnlyMemory<byte> value) =>
        new(AuthTokenAliasType.UseValue, null, tokenType, value.ToArray());

    /// <summary>Length of the Token structure (without any outer length prefix).</summary>
    internal int GetEncodedLength()
    {
        int length = Vi64.GetEncodedLength((ulong)AliasType);
        if (Alias is { } alias)
            length += Vi64.GetEncodedLength(alias);
        if (TokenType is { } type)
            length += Vi64.GetEncodedLength(type) + Value.Length;
        return length;
    }

    internal void Write(ref MoqtSpanWriter writer)
    {
        writer.WriteVi64((ulong)AliasType);
        if (Alias is { } alias)
            writer.WriteVi64(alias);
        if (TokenType is { } type)
        {
            writer.WriteVi64(type);
            writer.WriteBytes(Value.Span);
        }
    }

    /// <summary>Decodes a Token structure that fills <paramref name="bytes"/>; undecodable → KEY_VALUE_FORMATTING_ERROR.</summary>
    internal static AuthorizationToken Read(ReadOnlySpan<byte> bytes)
    {
        var reader = new MoqtBodyReader(bytes, MoqtErrorCode.KeyValueFormattingError);
        ulong aliasType = reader.ReadVi64();
        AuthorizationToken token;
        switch ((AuthTokenAliasType)aliasType)
        {
            case AuthTokenAliasType.Delete:
                token = Delete(reader.ReadVi64());
                break;
            case AuthTokenAliasType.UseAlias:
                token = UseAlias(reader.ReadVi64());
                break;
            case AuthTokenAliasType.Register:
                {
                    ulong alias = reader.ReadVi64();
                    ulong type = reader.ReadVi64();
                    token = Register(alias, type, reader.ReadRest().ToArray());
                    break;
                }

            case AuthTokenAliasType.UseValue:
                {
                    ulong type = reader.ReadVi64();
                    token = UseValue(type, reader.ReadRest().ToArray());
                    break;
                }

            default:
                throw new MoqtProtocolException(MoqtErrorCode.KeyValueFormattingError, $"unknown Token Alias Type {aliasType}");
        }

        if (!reader.End)
            ThrowHelper.Protocol(MoqtErrorCode.KeyValueFormattingError, "trailing bytes after the Token Alias");
        return token;
    }

    public bool Equals(AuthorizationToken? other) =>
        other is not null && AliasType == other.AliasType && Alias == other.Alias && TokenType == other.TokenType &&
        Value.Span.SequenceEqual(other.Value.Span);

    public override int GetHashCode() => HashCode.Combine(AliasType, Alias, TokenType, Value.Length);
}
