using System.Text.Json;
using MoqLive.Cli.Commands;
using MoqLive.Media.Loc;
using MoqLive.Moqt.Model;
using MoqLive.Testing;

namespace MoqLive.Cli.Tests.Commands;

/// <summary>Argument handling of serve/publish/subscribe and their payload formats; no sockets.</summary>
public sealed class MoqtCommandsTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await MoqLiveCli.InvokeAsync(args, output, error).WithTimeout();
        return (exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("serve", "--cache-groups")]
    [InlineData("publish", "--clock")]
    [InlineData("subscribe", "--json")]
    public async Task Help_MoqtCommand_ListsItsOptions(string command, string option)
    {
        (int exitCode, string output, _) = await RunAsync(command, "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains(option, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://host/", "must be moqt://")]
    [InlineData("moqt://127.0.0.1:4443/ --cert-hash abc", "64 hex digits")]
    [InlineData("moqt://127.0.0.1:4443/ --insecure --cert-hash 0000000000000000000000000000000000000000000000000000000000000000", "either --cert-hash or --insecure")]
    [InlineData("moqt://127.0.0.1:4443/ --clock --input x.bin", "either --input or --clock")]
    public async Task Publish_BadArguments_FailsWithMessage(string arguments, string expected)
    {
        string[] args = ["publish", .. arguments.Split(' '), "--namespace", "live", "--track", "t"];

        (int exitCode, _, string error) = await RunAsync(args);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--channel alice", "--channel and --media go together")]
    [InlineData("--channel bad/name --media x.mp4", "--channel 'bad/name' must be 1 to 64 characters")]
    [InlineData("--channel alice --media - --loop", "--loop needs a file")]
    [InlineData("--channel alice --media x.mp4 --namespace a --track b", "leave out --namespace")]
    [InlineData("--namespace a --track b --loop", "--loop and --title go with --channel")]
    [InlineData("--insecure", "Pass --namespace NS and --track T")]
    public async Task PublishMedia_BadArguments_FailsWithMessage(string arguments, string expected)
    {
        (int exitCode, _, string error) = await RunAsync(["publish", "moqt://127.0.0.1:4443/", .. arguments.Split(' ')]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishMedia_NotAnMp4File_FailsBeforeConnecting()
    {
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "#EXTM3U\nthis is a playlist, not fragmented MP4\n");

            // Port 9 has no server: the input is rejected before any connection attempt.
            (int exitCode, _, string error) = await RunAsync("publish", "moqt://127.0.0.1:9/", "--channel", "alice", "--media", path, "--insecure");

            Assert.Equal(1, exitCode);
            Assert.Contains("is not an MP4 file", error, StringComparison.Ordinal);
            Assert.Contains("frag_every_frame+empty_moov", error, StringComparison.Ordinal);
            Assert.Contains("or MPEG-TS with H.264 (ffmpeg ... -f mpegts -omit_video_pes_length 0 -)", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task PublishMedia_MissingFile_FailsWithMessage()
    {
        (int exitCode, _, string error) = await RunAsync("publish", "moqt://127.0.0.1:9/", "--channel", "alice", "--media", "/nonexistent/x.mp4", "--insecure");

        Assert.Equal(1, exitCode);
        Assert.Contains("cannot be opened", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FormatJson_LocObject_HasTimestampAndLatency()
    {
        var captured = new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
        long capturedUs = (captured - DateTimeOffset.UnixEpoch).Ticks / 10;
        var obj = new MoqtObject(5, 0, 0, 128, ObjectStatus.Normal, MoqtPayload.Wrap(new byte[] { 0, 0, 0, 1, 0x65 }),
            LocProperties.Create(capturedUs, [1, 2, 3]), ForwardingPreference.Subgroup);

        JsonElement json = JsonDocument.Parse(SubscribeCommand.FormatJson(obj, captured.AddMilliseconds(40.25))).RootElement;

        Assert.Equal(capturedUs, json.GetProperty("timestamp").GetInt64());
        Assert.Equal(40.25, json.GetProperty("latencyMs").GetDouble());
        Assert.Equal(5, json.GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Subscribe_EmptyNamespaceField_FailsWithMessage()
    {
        (int exitCode, _, string error) = await RunAsync("subscribe", "moqt://127.0.0.1:4443/", "--namespace", "live//x", "--track", "t");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("non-empty fields", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InvalidSetting_ListsProblemAndFails()
    {
        (int exitCode, _, string error) = await RunAsync("serve", "--cache-groups", "0", "--log-level", "None");

        Assert.Equal(1, exitCode);
        Assert.Contains("CacheMaxGroups", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ClockPayload_RoundTrip_KeepsMicroseconds()
    {
        var sent = new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero).AddTicks(1234560);

        Assert.True(ClockPayload.TryParse(ClockPayload.Create(sent), out DateTimeOffset parsed));
        Assert.Equal(sent, parsed);
        Assert.False(ClockPayload.TryParse("hello"u8, out _));
    }

    [Fact]
    public void FormatJson_ClockObject_HasLocationSizeAndLatency()
    {
        var sent = new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
        byte[] payload = ClockPayload.Create(sent);
        var obj = new MoqtObject(3, 0, 7, 128, ObjectStatus.Normal, MoqtPayload.Wrap(payload), MoqtProperties.Empty, ForwardingPreference.Subgroup);

        JsonElement json = JsonDocument.Parse(SubscribeCommand.FormatJson(obj, sent.AddMilliseconds(12.5))).RootElement;

        Assert.Equal(3UL, json.GetProperty("group").GetUInt64());
        Assert.Equal(0UL, json.GetProperty("subgroup").GetUInt64());
        Assert.Equal(7UL, json.GetProperty("object").GetUInt64());
        Assert.Equal(payload.Length, json.GetProperty("size").GetInt32());
        Assert.Equal(12.5, json.GetProperty("latencyMs").GetDouble());
    }
}
