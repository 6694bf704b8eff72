using System.Text;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// SETUP (0x2F00), the first message on each control stream (draft-ietf-moq-transport-19 §"SETUP"): Setup
/// Options as Key-Value-Pairs filling the body. Unknown options are preserved in <see cref="UnknownOptions"/>
/// (and re-encoded) but otherwise ignored, as the draft requires.
/// </summary>
public sealed record Setup : MoqtControlMessage
{
    public override MoqtMessageType Type => MoqtMessageType.Setup;

    /// <summary>PATH (0x01): path-abempty[?query] of the moqt URI; native QUIC clients only.</summary>
    public string? Path { get; init; }

    /// <summary>AUTHORITY (0x05): authority of the moqt URI; native QUIC clients only.</summary>
    public string? Authority { get; init; }

    /// <summary>AUTHORIZATION TOKEN (0x03) options; may repeat.</summary>
    public IReadOnlyList<AuthorizationToken> AuthorizationTokens { get; init; } = [];

    /// <summary>MAX_AUTH_TOKEN_CACHE_SIZE (0x04); absent means 0.</summary>
    public ulong? MaxAuthTokenCacheSize { get; init; }

    /// <summary>MAX_FILTER_RANGES (0x06); absent means 0 (no Range Filters).</summary>
    public ulong? MaxFilterRanges { get; init; }

    /// <summary>MOQT_IMPLEMENTATION (0x07): name and version of the sender's implementation.</summary>
    public string? MoqtImplementation { get; init; }

    /// <summary>MAX_REQUEST_UPDATES (0x08); absent or 0 means unlimited.</summary>
    public ulong? MaxRequestUpdates { get; init; }

    /// <summary>Options this implementation does not know (including GREASE), in wire order.</summary>
    public IReadOnlyList<MoqtKeyValuePair> UnknownOptions { get; init; } = [];

    private List<MoqtKeyValuePair> ToOptions()
    {
        var options = new List<MoqtKeyValuePair>();
        if (Path is not null)
            options.Add(MoqtKeyValuePair.FromBytes((ulong)SetupOptionType.Path, Encoding.UTF8.GetBytes(Path)));
        foreach (AuthorizationToken token in AuthorizationTokens)
        {
            var bytes = new byte[token.GetEncodedLength()];
            var writer = new MoqtSpanWriter(bytes);
            token.Write(ref writer);
            options.Add(MoqtKeyValuePair.FromBytes((ulong)SetupOptionType.AuthorizationToken, bytes));
        }

        if (MaxAuthTokenCacheSize is { } cache)
            options.Add(MoqtKeyValuePair.FromInt((ulong)SetupOptionType.MaxAuthTokenCacheSize, cache));
        if (Authority is not null)
            options.Add(MoqtKeyValuePair.FromBytes((ulong)SetupOptionType.Authority, Encoding.UTF8.GetBytes(Authority)));
        if (MaxFilterRanges is { } ranges)
            options.Add(MoqtKeyValuePair.FromInt((ulong)SetupOptionType.MaxFilterRanges, ranges));
        if (MoqtImplementation is not null)
            options.Add(MoqtKeyValuePair.FromBytes((ulong)SetupOptionType.MoqtImplementation, Encoding.UTF8.GetBytes(MoqtImplementation)));
        if (MaxRequestUpdates is { } updates)
            options.Add(MoqtKeyValuePair.FromInt((ulong)SetupOptionType.MaxRequestUpdates, updates));

        // Types are delta-encoded, so options go out in ascending type order (stable for repeated types).
        options.AddRange(UnknownOptions);
        return [.. options.OrderBy(o => o.Type)];
    }

    internal override int GetBodyLength(MoqtVersion version) => KeyValuePairCodec.GetEncodedLength(ToOptions());

    internal override void WriteBody(ref MoqtSpanWriter writer, MoqtVersion version) => KeyValuePairCodec.Write(ref writer, ToOptions());

    internal static Setup ReadBody(ref MoqtBodyReader reader, MoqtVersion version)
    {
        IReadOnlyList<MoqtKeyValuePair> options = KeyValuePairCodec.ReadToEnd(ref reader);
        string? path = null, authority = null, implementation = null;
        ulong? cache = null, ranges = null, updates = null;
        var tokens = new List<AuthorizationToken>();
        var unknown = new List<MoqtKeyValuePair>();
        var seen = new HashSet<ulong>();
        foreach (MoqtKeyValuePair option in options)
        {
            bool known = Enum.IsDefined((SetupOptionType)option.Type);
            if (known && option.Type != (ulong)SetupOptionType.AuthorizationToken && !seen.Add(option.Type))
                ThrowHelper.ProtocolViolation($"duplicate Setup Option {(SetupOptionType)option.Type}");

            switch ((SetupOptionType)option.Type)
            {
                case SetupOptionType.Path:
                    path = DecodeUtf8(option.Bytes.Span, MoqtErrorCode.MalformedPath, "PATH");
                    break;
                case SetupOptionType.Authority:
                    authority = DecodeUtf8(option.Bytes.Span, MoqtErrorCode.MalformedAuthority, "AUTHORITY");
                    break;
                case SetupOptionType.AuthorizationToken:
                    tokens.Add(AuthorizationToken.Read(option.Bytes.Span));
                    break;
                case SetupOptionType.MaxAuthTokenCacheSize:
                    cache = option.Value;
                    break;
                case SetupOptionType.MaxFilterRanges:
                    ranges = option.Value;
                    break;
                case SetupOptionType.MoqtImplementation:
                    implementation = Encoding.UTF8.GetString(option.Bytes.Span);
                    break;
                case SetupOptionType.MaxRequestUpdates:
                    updates = option.Value;
                    break;
                default:
                    unknown.Add(option);
                    break;
            }
        }

        return new Setup
        {
            Path = path,
            Authority = authority,
            AuthorizationTokens = tokens,
            MaxAuthTokenCacheSize = cache,
            MaxFilterRanges = ranges,
            MoqtImplementation = implementation,
            MaxRequestUpdates = updates,
            UnknownOptions = unknown,
        };
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes, MoqtErrorCode code, string what)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new MoqtProtocolException(code, $"{what} is not valid UTF-8");
        }
    }

    public bool Equals(Setup? other) =>
        other is not null && Path == other.Path && Authority == other.Authority &&
        AuthorizationTokens.SequenceEqual(other.AuthorizationTokens) && MaxAuthTokenCacheSize == other.MaxAuthTokenCacheSize &&
        MaxFilterRanges == other.MaxFilterRanges && MoqtImplementation == other.MoqtImplementation &&
        MaxRequestUpdates == other.MaxRequestUpdates && UnknownOptions.SequenceEqual(other.UnknownOptions);

    public override int GetHashCode() => HashCode.Combine(Path, Authority, MoqtImplementation);
}
