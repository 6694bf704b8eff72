using System.CommandLine;

namespace MoqLive.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var root = new RootCommand("MoqLive: live streaming over Media over QUIC.");
        return root.Parse(args).InvokeAsync();
    }
}
