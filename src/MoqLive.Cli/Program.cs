namespace MoqLive.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) => MoqLiveCli.InvokeAsync(args);
}
