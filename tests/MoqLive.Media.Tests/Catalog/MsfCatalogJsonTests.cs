using System.Text;
using System.Text.Json;
using MoqLive.Media.Catalog;

namespace MoqLive.Media.Tests.Catalog;

public sealed class MsfCatalogJsonTests
{
    private static MsfCatalog Channel() => new()
    {
        GeneratedAt = 1_795_000_000_123,
        Title = "Alice's \"test\" <stream>",
        Tracks =
        [
            new MsfCatalogTrack
            {
                Name = "video/hd", Role = "video", Codec = "avc1.64001f", TargetLatency = 150, Width = 1280, Height = 720,
                Framerate = 30, Bitrate = 2_500_000, AltGroup = 1, InitData = [1, 0x64, 0, 0x1F, 0xFF],
            },
            new MsfCatalogTrack
            {
                Name = "audio", Role = "audio", Codec = "opus", TargetLatency = 150, Samplerate = 48000, ChannelConfig = "2", Bitrate = 64_000,
            },
        ],
    };

    [Fact]
    public void Serialize_Channel_HasTheFieldsOfTheChannelFormat()
    {
        JsonElement root = JsonDocument.Parse(MsfCatalogJson.Serialize(Channel())).RootElement;

        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(1_795_000_000_123, root.GetProperty("generatedAt").GetInt64());
        Assert.False(root.GetProperty("isComplete").GetBoolean());
        Assert.Equal("Alice's \"test\" <stream>", root.GetProperty("moqlive").GetProperty("title").GetString());
        JsonElement video = root.GetProperty("tracks")[0];
        Assert.False(video.TryGetProperty("namespace", out _)); // inherited from the catalog track
        Assert.Equal("video/hd", video.GetProperty("name").GetString());
        Assert.Equal("loc", video.GetProperty("packaging").GetString());
        Assert.True(video.GetProperty("isLive").GetBoolean());
        Assert.Equal(150, video.GetProperty("targetLatency").GetInt32());
        Assert.Equal("video", video.GetProperty("role").GetString());
        Assert.Equal(1, video.GetProperty("renderGroup").GetInt32());
        Assert.Equal(1, video.GetProperty("altGroup").GetInt32());
        Assert.Equal("avc1.64001f", video.GetProperty("codec").GetString());
        Assert.Equal(1280, video.GetProperty("width").GetInt32());
        Assert.Equal(720, video.GetProperty("height").GetInt32());
        Assert.Equal(30, video.GetProperty("framerate").GetDouble());
        Assert.Equal(2_500_000, video.GetProperty("bitrate").GetInt64());
        Assert.Equal(Convert.ToBase64String([1, 0x64, 0, 0x1F, 0xFF]), video.GetProperty("initData").GetString());
        JsonElement audio = root.GetProperty("tracks")[1];
        Assert.Equal(48000, audio.GetProperty("samplerate").GetInt32());
        Assert.Equal("2", audio.GetProperty("channelConfig").GetString());
        Assert.False(audio.TryGetProperty("initData", out _));
        Assert.False(audio.TryGetProperty("altGroup", out _));
    }

    [Fact]
    public void Parse_Serialized_RoundTrips()
    {
        MsfCatalog parsed = MsfCatalogJson.Parse(MsfCatalogJson.Serialize(Channel()));

        Assert.Equal(Channel().Title, parsed.Title);
        Assert.Equal(Channel().GeneratedAt, parsed.GeneratedAt);
        Assert.Equal(2, parsed.Tracks.Count);
        Assert.Equal(Channel().Tracks[0] with { InitData = null }, parsed.Tracks[0] with { InitData = null });
        Assert.Equal(Channel().Tracks[0].InitData, parsed.Tracks[0].InitData);
        Assert.Equal(Channel().Tracks[1], parsed.Tracks[1]);
    }

    [Fact]
    public void Parse_BrowserStreamerCatalog_UnknownFieldsIgnored()
    {
        // As the streamer app writes it (MSF §5.1: parsers ignore fields they do not understand).
        string json = """
            {"version":1,"generatedAt":1795000000000,"tracks":[
              {"name":"video/hd","packaging":"loc","isLive":true,"targetLatency":150,"role":"video","renderGroup":1,"codec":"vp09.00.10.08","width":1280,"height":720,"framerate":30,"bitrate":2500000,"altGroup":1,"label":"camera"},
              {"name":"video/sd","packaging":"loc","isLive":true,"targetLatency":150,"role":"video","renderGroup":1,"codec":"vp09.00.10.08","width":640,"height":360,"framerate":30,"bitrate":600000,"altGroup":1},
              {"name":"audio","packaging":"loc","isLive":true,"targetLatency":150,"role":"audio","renderGroup":1,"codec":"opus","samplerate":48000,"channelConfig":"1","bitrate":32000}],
             "moqlive":{"title":"hi","viewers":3},"somethingElse":[1,2]}
            """;

        MsfCatalog catalog = MsfCatalogJson.Parse(Encoding.UTF8.GetBytes(json));

        Assert.False(catalog.IsComplete);
        Assert.Equal("hi", catalog.Title);
        Assert.Equal(["video/hd", "video/sd", "audio"], catalog.Tracks.Select(t => t.Name));
        Assert.Null(catalog.Tracks[0].InitData);
    }

    [Theory]
    [InlineData("not json", "not UTF-8 JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"version":2,"tracks":[]}""", "Unsupported catalog version 2")]
    [InlineData("""{"tracks":[]}""", "catalog.version is required")]
    [InlineData("""{"version":1}""", "catalog.tracks must be an array")]
    [InlineData("""{"version":1,"deltaUpdate":true,"tracks":[]}""", "Delta updates")]
    [InlineData("""{"version":1,"tracks":[{"packaging":"loc","isLive":true}]}""", "catalog.tracks[0].name is required")]
    [InlineData("""{"version":1,"tracks":[{"name":"a","packaging":"loc","isLive":true,"role":"audio","codec":"opus","samplerate":48000},{"name":"a","packaging":"loc","isLive":true,"role":"audio","codec":"opus","samplerate":48000}]}""", "appears twice")]
    [InlineData("""{"version":1,"tracks":[{"name":"v","packaging":"loc","isLive":true,"role":"video","codec":"avc1.64001f","width":0,"height":720}]}""", "width and height")]
    [InlineData("""{"version":1,"tracks":[{"name":"v","packaging":"loc","isLive":true,"role":"video","width":640,"height":360}]}""", "codec must be")]
    [InlineData("""{"version":1,"tracks":[{"name":"v","packaging":"loc","isLive":"yes","role":"video"}]}""", "isLive must be true or false")]
    [InlineData("""{"version":1,"tracks":[{"name":"v","packaging":"loc","isLive":true,"role":"video","codec":"x","width":1,"height":1,"initData":"!!"}]}""", "initData is not base64")]
    [InlineData("""{"version":1,"tracks":[{"name":"s","packaging":"loc","isLive":true,"role":"subtitle","codec":"wvtt"}]}""", "role must be")]
    public void Parse_Invalid_SaysWhichField(string json, string expected)
    {
        var e = Assert.Throws<MsfCatalogException>(() => MsfCatalogJson.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidUtf8_Rejected()
    {
        Assert.Throws<MsfCatalogException>(() => MsfCatalogJson.Parse([(byte)'{', 0xFF, 0xFE, (byte)'}']));
    }

    [Fact]
    public void Serialize_DuplicateTrackNames_Rejected()
    {
        MsfCatalog catalog = Channel() with { Tracks = [Channel().Tracks[1], Channel().Tracks[1]] };

        Assert.Throws<MsfCatalogException>(() => MsfCatalogJson.Serialize(catalog));
    }

    [Fact]
    public void Serialize_FinalCatalog_IsCompleteWithNoTracks()
    {
        JsonElement root = JsonDocument.Parse(MsfCatalogJson.Serialize(Channel() with { IsComplete = true, Tracks = [] })).RootElement;

        Assert.True(root.GetProperty("isComplete").GetBoolean());
        Assert.Equal(0, root.GetProperty("tracks").GetArrayLength());
    }
}
