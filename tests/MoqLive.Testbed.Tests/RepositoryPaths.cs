namespace MoqLive.Testbed.Tests;

/// <summary>The repository's testdata/traces, found from the test binaries.</summary>
internal static class RepositoryPaths
{
    public static string TraceDirectory => Path.Combine(MoqLive.Testing.RepositoryRoot.Path, "testdata", "traces");
}
