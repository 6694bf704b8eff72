using MoqLive.Testbed.Check;
using MoqLive.Testbed.Network;
using MoqLive.Testbed.Profiles;
using MoqLive.Testing;

namespace MoqLive.E2E.Tests.Testbed;

/// <summary>
/// <c>testbed check</c> for real: namespaces, veth pairs and the TUN router forward ping and iperf3 traffic through the
/// link emulators, and the measured RTT, loss and throughput must be within 10 % of the profile.
/// </summary>
[Collection(nameof(TestbedCollection))]
public sealed class TestbedCheckTests
{
    [Theory]
    [InlineData("4g")]
    [InlineData("wifi-congested")]
    public async Task Check_Profile_RttLossAndThroughputWithinTenPercent(string name)
    {
        TestbedRequirements.Require("ip", "ping", "iperf3");
        var profile = LinkProfiles.Get(name);
        var log = new StringWriter();
        string testbedName;
        LinkCheckResult result;
        await using (var network = await TestbedNetwork.StartAsync(
            new TestbedOptions { ViewerProfile = profile, TraceDirectory = TestbedRequirements.TraceDirectory }, TimeProvider.System, log)
            .WithTimeout(TestTimeouts.Long))
        {
            testbedName = network.Name;
            Assert.Contains(network.RouterNamespace, NetworkNamespaces.List());
            result = await LinkCheck.RunAsync(network, profile, TimeProvider.System, log).WithTimeout(TimeSpan.FromMinutes(3));
            Assert.Null(network.Failure);
        }

        string report = string.Join('\n', result.Measurements.Select(m => $"{m.Metric}: {m.Measured} {m.Unit} (expected {m.Expected} ± {m.Tolerance}; {m.Method})"));
        foreach (string metric in new[] { "rtt", "loss", "throughput" })
        {
            var m = Assert.Single(result.Measurements, x => x.Metric == metric);
            Assert.NotNull(m.Expected);
            Assert.True(m.Passed, $"{name}: {metric} out of range.\n{report}\n{log}");
        }

        Assert.DoesNotContain(NetworkNamespaces.List(), ns => ns.StartsWith(testbedName + "-", StringComparison.Ordinal));
    }
}
