namespace MoqLive.Testbed.Tests;

/// <summary>Locates the repository root (the folder with MoqLive.slnx) from the test binaries.</summary>
internal static class RepositoryPaths
{
    public static string Root => MoqLive.Testing.RepositoryPaths.Root;

    public static string TraceDirectory => Path.Combine(Root, "testdata", "traces");
}
