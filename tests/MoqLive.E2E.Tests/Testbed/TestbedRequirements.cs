namespace MoqLive.E2E.Tests.Testbed;

/// <summary>What the testbed tests need from the machine; a missing piece fails the test with what to do.</summary>
internal static class TestbedRequirements
{
    /// <summary>The repository's testdata/traces, found from the test binaries.</summary>
    public static string TraceDirectory
    {
        get
        {
            for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
            {
                if (File.Exists(Path.Combine(directory, "MoqLive.slnx")))
                    return Path.Combine(directory, "testdata", "traces");
            }

            throw new InvalidOperationException("Repository root (MoqLive.slnx) not found above the test binaries.");
        }
    }

    /// <summary>Fails (never skips) unless running as root with the given tools on PATH.</summary>
    public static void Require(params string[] tools)
    {
        Assert.True(Environment.UserName == "root",
            "The testbed tests need root (network namespaces, veth, TUN). Run the tests as root, as CI (.ci/run) does.");
        foreach (string tool in tools)
        {
            bool found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
                .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"])
                .Any(d => File.Exists(Path.Combine(d, tool)));
            Assert.True(found, $"'{tool}' is not installed; .ci/run installs it (apt-get install).");
        }
    }
}
