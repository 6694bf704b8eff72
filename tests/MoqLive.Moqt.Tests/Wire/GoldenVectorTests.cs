using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Tests.Wire;

/// <summary>
/// Checks the golden vectors in testdata/moqt-19/vectors.json (shared with the TypeScript tests) against the
/// codec: encode(value) == hex and decode(hex) == fields. Set MOQLIVE_UPDATE_VECTORS=1 to rewrite the file from
/// <see cref="GoldenVectorCatalog"/>.
/// </summary>
public sealed class GoldenVectorTests
{
    public static TheoryData<string> Names() => [.. GoldenVectorCatalog.All.Select(v => v.Name)];

    private static GoldenVector Get(string name) => GoldenVectorCatalog.All.Single(v => v.Name == name);

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_Vector_GivesFields(string name)
    {
        GoldenVector vector = Get(name);
        object decoded = Decode(vector.Kind, Hex.Parse(vector.Hex), vector.Value);
        Assert.Equal(WireJson.ToJson(vector.Value), WireJson.ToJson(decoded));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Encode_Vector_GivesHex(string name)
    {
        GoldenVector vector = Get(name);
        byte[] encoded = Encode(vector.Kind, vector.Value);
        if (vector.DecodeOnly)
            Assert.NotEqual(vector.Hex, Hex.Of(encoded));
        else
            Assert.Equal(vector.Hex, Hex.Of(encoded));
    }

    [Fact]
    public void Catalog_NamesAreUnique() =>
        Assert.Equal(GoldenVectorCatalog.All.Count, GoldenVectorCatalog.All.Select(v => v.Name).Distinct().Count());

    [Fact]
    public void Catalog_CoversEveryMessageAndStreamType()
    {
        var controlTypes = GoldenVectorCatalog.All.Where(v => v.Kind == "control").Select(v => ((MoqtControlMessage)v.Value).Type).ToHashSet();
        Assert.Equal(Enum.GetValues<MoqtMessageType>().ToHashSet(), controlTypes);
        var subgroupTypes = GoldenVectorCatalog.All.Where(v => v.Kind == "subgroup_stream").Select(v => ((SubgroupStream)v.Value).Header.StreamType).ToHashSet();
        Assert.Equal(48, subgroupTypes.Count);
        var datagramTypes = GoldenVectorCatalog.All.Where(v => v.Kind == "datagram").Select(v => ((ObjectDatagram)v.Value).DatagramType).ToHashSet();
        Assert.Equal(24, datagramTypes.Count);
    }

    [Fact]
    public void VectorsFile_MatchesCatalog()
    {
        string path = Path.Combine(MoqLive.Testing.RepositoryRoot.Path, "testdata", "moqt-19", "vectors.json");
        string expected = Render();
        if (Environment.GetEnvironmentVariable("MOQLIVE_UPDATE_VECTORS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with MOQLIVE_UPDATE_VECTORS=1 to create it.");
        Assert.Equal(expected, File.ReadAllText(path));
    }

    private static string Render()
    {
        var vectors = new JsonArray();
        foreach (GoldenVector vector in GoldenVectorCatalog.All)
        {
            var entry = new JsonObject
            {
                ["name"] = vector.Name,
                ["kind"] = vector.Kind,
                ["hex"] = vector.Hex,
            };
            if (vector.DecodeOnly)
                entry["decodeOnly"] = true;
            entry["fields"] = WireJson.ToNode(vector.Value);
            vectors.Add(entry);
        }

        var root = new JsonObject
        {
            ["version"] = "moqt-19",
            ["spec"] = "draft-ietf-moq-transport-19",
            ["format"] = "See README.md in this folder.",
            ["vectors"] = vectors,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    internal static object Decode(string kind, byte[] bytes, object expected)
    {
        switch (kind)
        {
            case "vi64":
                Assert.True(Vi64.TryRead(bytes, out ulong value, out int read));
                Assert.Equal(bytes.Length, read);
                return new Vi64Value(value);
            case "control":
                Assert.True(ControlMessageCodec.TryRead(bytes, MoqtVersion.Draft19, out MoqtControlMessage message, out int consumed));
                Assert.Equal(bytes.Length, consumed);
                return message;
            case "subgroup_stream":
                return SubgroupStream.Decode(new ReadOnlySequence<byte>(bytes));
            case "fetch_stream":
                return FetchStream.Decode(new ReadOnlySequence<byte>(bytes), ((FetchStream)expected).GroupOrder);
            case "datagram":
                return ObjectDatagram.Read(bytes) ?? throw new InvalidDataException("padding");
            case "padding_stream":
                {
                    Assert.True(Vi64.TryRead(bytes, out ulong type, out int typeLength));
                    Assert.Equal(MoqtStreamKind.Padding, MoqtStreamType.Classify(type));
                    return new PaddingValue(bytes.Length - typeLength);
                }

            case "padding_datagram":
                Assert.Null(ObjectDatagram.Read(bytes));
                return new PaddingValue(bytes.Length - Vi64.GetEncodedLength(MoqtStreamType.PaddingDatagram));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    internal static byte[] Encode(string kind, object value)
    {
        switch (kind)
        {
            case "vi64":
                {
                    var buffer = new byte[9];
                    return buffer[..Vi64.Write(buffer, ((Vi64Value)value).Value)];
                }

            case "control":
                return ControlMessageCodec.Encode((MoqtControlMessage)value, MoqtVersion.Draft19);
            case "subgroup_stream":
                return ((SubgroupStream)value).Encode();
            case "fetch_stream":
                return ((FetchStream)value).Encode();
            case "datagram":
                return ((ObjectDatagram)value).ToArray();
            case "padding_stream":
                {
                    var buffer = new byte[5 + ((PaddingValue)value).PaddingLength];
                    Padding.WriteStreamHeader(buffer);
                    return buffer;
                }

            case "padding_datagram":
                return Padding.CreateDatagram(5 + ((PaddingValue)value).PaddingLength);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
