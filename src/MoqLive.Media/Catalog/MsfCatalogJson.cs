using System.Buffers;
using System.Text.Json;

namespace MoqLive.Media.Catalog;

/// <summary>
/// Writes and reads the catalog JSON (draft-ietf-moq-msf-00 §5; docs/media-format.md "Catalog track"). Both directions
/// validate: a catalog MoqLive writes or accepts always has unique track names, a codec per track, and the per-role
/// fields the channel format requires.
/// </summary>
public static class MsfCatalogJson
{
    /// <summary>Largest catalog accepted by <see cref="Parse"/>.</summary>
    public const int MaxSize = 64 * 1024;

    /// <summary>The catalog as UTF-8 JSON.</summary>
    /// <exception cref="MsfCatalogException">The catalog breaks the channel format.</exception>
    public static byte[] Serialize(MsfCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Validate(catalog);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", catalog.Version);
            writer.WriteNumber("generatedAt", catalog.GeneratedAt);
            writer.WriteBoolean("isComplete", catalog.IsComplete);
            writer.WriteStartArray("tracks");
            foreach (MsfCatalogTrack track in catalog.Tracks)
                WriteTrack(writer, track);
            writer.WriteEndArray();
            writer.WriteStartObject("moqlive");
            writer.WriteString("title", catalog.Title);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses and validates a catalog object's payload; unknown fields are ignored (MSF §5.1).</summary>
    /// <exception cref="MsfCatalogException">Not UTF-8 JSON, or a field is missing or of the wrong type.</exception>
    public static MsfCatalog Parse(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxSize)
            throw new MsfCatalogException($"The catalog is {json.Length} bytes, more than {MaxSize}.");
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new MsfCatalogException($"The catalog is not UTF-8 JSON: {e.Message}", e);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new MsfCatalogException("The catalog must be a JSON object.");
            int version = GetInt(root, "version", "catalog") ?? throw Missing("catalog", "version");
            if (version != 1)
                throw new MsfCatalogException($"Unsupported catalog version {version} (expected 1).");
            if (root.TryGetProperty("deltaUpdate", out _))
                throw new MsfCatalogException("Delta updates are not used by MoqLive channels.");
            long generatedAt = GetLong(root, "generatedAt", "catalog") ?? 0;
            bool isComplete = GetBool(root, "isComplete", "catalog") ?? false;
            string title = root.TryGetProperty("moqlive", out JsonElement moqlive) && moqlive.ValueKind == JsonValueKind.Object
                ? GetString(moqlive, "title", "catalog.moqlive") ?? ""
                : "";
            if (!root.TryGetProperty("tracks", out JsonElement tracksElement) || tracksElement.ValueKind != JsonValueKind.Array)
                throw new MsfCatalogException("catalog.tracks must be an array.");
            var tracks = new List<MsfCatalogTrack>();
            int index = 0;
            foreach (JsonElement t in tracksElement.EnumerateArray())
                tracks.Add(ReadTrack(t, $"catalog.tracks[{index++}]"));
            var catalog = new MsfCatalog { Version = version, GeneratedAt = generatedAt, IsComplete = isComplete, Tracks = tracks, Title = title };
            Validate(catalog);
            return catalog;
        }
    }

    private static void WriteTrack(Utf8JsonWriter writer, MsfCatalogTrack track)
    {
        writer.WriteStartObject();
        writer.WriteString("name", track.Name);
        writer.WriteString("packaging", track.Packaging);
        writer.WriteBoolean("isLive", track.IsLive);
        if (track.TargetLatency is { } latency)
            writer.WriteNumber("targetLatency", latency);
        writer.WriteString("role", track.Role);
        if (track.RenderGroup is { } renderGroup)
            writer.WriteNumber("renderGroup", renderGroup);
        writer.WriteString("codec", track.Codec);
        if (track.Width is { } width)
            writer.WriteNumber("width", width);
        if (track.Height is { } height)
            writer.WriteNumber("height", height);
        if (track.Framerate is { } framerate)
            writer.WriteNumber("framerate", framerate);
        if (track.Samplerate is { } samplerate)
            writer.WriteNumber("samplerate", samplerate);
        if (track.ChannelConfig is { } channelConfig)
            writer.WriteString("channelConfig", channelConfig);
        if (track.Bitrate is { } bitrate)
            writer.WriteNumber("bitrate", bitrate);
        if (track.AltGroup is { } altGroup)
            writer.WriteNumber("altGroup", altGroup);
        if (track.InitData is { } initData)
            writer.WriteBase64String("initData", initData);
        writer.WriteEndObject();
    }

    private static MsfCatalogTrack ReadTrack(JsonElement t, string where)
    {
        if (t.ValueKind != JsonValueKind.Object)
            throw new MsfCatalogException($"{where} must be a JSON object.");
        byte[]? initData = null;
        if (GetString(t, "initData", where) is { } base64)
        {
            try
            {
                initData = Convert.FromBase64String(base64);
            }
            catch (FormatException e)
            {
                throw new MsfCatalogException($"{where}.initData is not base64.", e);
            }
        }
        return new MsfCatalogTrack
        {
            Name = GetString(t, "name", where) ?? throw Missing(where, "name"),
            Packaging = GetString(t, "packaging", where) ?? throw Missing(where, "packaging"),
            IsLive = GetBool(t, "isLive", where) ?? throw Missing(where, "isLive"),
            Role = GetString(t, "role", where) ?? "",
            Codec = GetString(t, "codec", where) ?? "",
            TargetLatency = GetInt(t, "targetLatency", where),
            RenderGroup = GetInt(t, "renderGroup", where),
            AltGroup = GetInt(t, "altGroup", where),
            Width = GetInt(t, "width", where),
            Height = GetInt(t, "height", where),
            Framerate = GetDouble(t, "framerate", where),
            Bitrate = GetLong(t, "bitrate", where),
            Samplerate = GetInt(t, "samplerate", where),
            ChannelConfig = GetString(t, "channelConfig", where),
            InitData = initData,
        };
    }

    private static void Validate(MsfCatalog catalog)
    {
        if (catalog.Version != 1)
            throw new MsfCatalogException($"Unsupported catalog version {catalog.Version} (expected 1).");
        if (catalog.GeneratedAt < 0)
            throw new MsfCatalogException("catalog.generatedAt must be ≥ 0.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < catalog.Tracks.Count; i++)
        {
            MsfCatalogTrack track = catalog.Tracks[i];
            string where = $"catalog.tracks[{i}]";
            if (string.IsNullOrEmpty(track.Name))
                throw new MsfCatalogException($"{where}.name must be a non-empty string.");
            if (!names.Add(track.Name))
                throw new MsfCatalogException($"{where}.name \"{track.Name}\" appears twice.");
            if (track.Packaging != "loc")
                continue; // Other packagings (timelines) carry no media fields MoqLive checks.
            if (string.IsNullOrEmpty(track.Codec))
                throw new MsfCatalogException($"{where}.codec must be a non-empty string.");
            if (track.TargetLatency is < 0)
                throw new MsfCatalogException($"{where}.targetLatency must be ≥ 0.");
            if (track.Bitrate is < 0)
                throw new MsfCatalogException($"{where}.bitrate must be ≥ 0.");
            switch (track.Role)
            {
                case "video":
                    if (track.Width is not > 0 || track.Height is not > 0)
                        throw new MsfCatalogException($"{where} (video) needs width and height greater than 0.");
                    if (track.Framerate is { } fps && !(fps > 0 && double.IsFinite(fps)))
                        throw new MsfCatalogException($"{where}.framerate must be greater than 0.");
                    break;
                case "audio":
                    if (track.Samplerate is not > 0)
                        throw new MsfCatalogException($"{where} (audio) needs a samplerate greater than 0.");
                    break;
                default:
                    throw new MsfCatalogException($"{where}.role must be \"video\" or \"audio\" for a loc track, not \"{track.Role}\".");
            }
        }
    }

    private static MsfCatalogException Missing(string where, string field) => new($"{where}.{field} is required.");

    private static string? GetString(JsonElement o, string name, string where)
    {
        if (!o.TryGetProperty(name, out JsonElement e))
            return null;
        return e.ValueKind == JsonValueKind.String ? e.GetString() : throw new MsfCatalogException($"{where}.{name} must be a string.");
    }

    private static bool? GetBool(JsonElement o, string name, string where)
    {
        if (!o.TryGetProperty(name, out JsonElement e))
            return null;
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new MsfCatalogException($"{where}.{name} must be true or false."),
        };
    }

    private static int? GetInt(JsonElement o, string name, string where)
    {
        if (!o.TryGetProperty(name, out JsonElement e))
            return null;
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int value) ? value : throw new MsfCatalogException($"{where}.{name} must be an integer.");
    }

    private static long? GetLong(JsonElement o, string name, string where)
    {
        if (!o.TryGetProperty(name, out JsonElement e))
            return null;
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long value) ? value : throw new MsfCatalogException($"{where}.{name} must be an integer.");
    }

    private static double? GetDouble(JsonElement o, string name, string where)
    {
        if (!o.TryGetProperty(name, out JsonElement e))
            return null;
        return e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double value) ? value : throw new MsfCatalogException($"{where}.{name} must be a number.");
    }
}
