using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Tests.Wire;

/// <summary>
/// Renders decoded wire values as JSON for the golden vectors' "fields" (and for deep comparisons): camelCase
/// property names, bytes as lower-case hex strings, namespaces as arrays of hex strings, enums as their wire
/// numbers, integers above 2^53 - 1 as decimal strings (so JavaScript can read them without precision loss).
/// </summary>
internal static class WireJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = false,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.Converters.Add(new MemoryConverter());
        options.Converters.Add(new SequenceConverter());
        options.Converters.Add(new NamespaceConverter());
        options.Converters.Add(new UInt64Converter());
        return options;
    }

    public static JsonNode? ToNode(object? value) =>
        value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), Options);

    public static string ToJson(object? value) => ToNode(value)?.ToJsonString() ?? "null";

    private sealed class MemoryConverter : JsonConverter<ReadOnlyMemory<byte>>
    {
        public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Convert.FromHexString(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Convert.ToHexStringLower(value.Span));
    }

    private sealed class SequenceConverter : JsonConverter<ReadOnlySequence<byte>>
    {
        public override ReadOnlySequence<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(Convert.FromHexString(reader.GetString()!));

        public override void Write(Utf8JsonWriter writer, ReadOnlySequence<byte> value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Convert.ToHexStringLower(value.ToArray()));
    }

    private sealed class NamespaceConverter : JsonConverter<TrackNamespace>
    {
        public override TrackNamespace Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, TrackNamespace value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (ReadOnlyMemory<byte> field in value.Fields)
                writer.WriteStringValue(Convert.ToHexStringLower(field.Span));
            writer.WriteEndArray();
        }
    }

    private sealed class UInt64Converter : JsonConverter<ulong>
    {
        private const ulong MaxSafeInteger = (1UL << 53) - 1;

        public override ulong Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? ulong.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : reader.GetUInt64();

        public override void Write(Utf8JsonWriter writer, ulong value, JsonSerializerOptions options)
        {
            if (value <= MaxSafeInteger)
                writer.WriteNumberValue(value);
            else
                writer.WriteStringValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
